/**
 * One floating tooltip for the whole page, shown on hover AND keyboard focus (a `title` attribute shows on hover
 * only, and a tooltip inside a virtualized row would be clipped by the row). Its element is fixed-positioned
 * outside every scroll container; the trigger points at it with aria-describedby while it is shown.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

interface TipState {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly owner: string;
}

interface TooltipApi {
  readonly show: (owner: string, text: string, anchor: Element) => void;
  readonly hide: (owner: string) => void;
  readonly shownBy: string | undefined;
}

export const TOOLTIP_ID = 'coreview-tooltip';

const TooltipContext = createContext<TooltipApi>({ show: () => undefined, hide: () => undefined, shownBy: undefined });

export function TooltipProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const [tip, setTip] = useState<TipState | undefined>();
  const show = useCallback((owner: string, text: string, anchor: Element) => {
    const r = anchor.getBoundingClientRect();
    setTip({ owner, text, x: Math.max(8, Math.min(r.left, window.innerWidth - 360)), y: r.bottom + 6 });
  }, []);
  const hide = useCallback((owner: string) => setTip((t) => (t?.owner === owner ? undefined : t)), []);
  const api = useMemo(() => ({ show, hide, shownBy: tip?.owner }), [show, hide, tip?.owner]);
  return (
    <TooltipContext.Provider value={api}>
      {children}
      {tip !== undefined && (
        <div id={TOOLTIP_ID} role="tooltip" className="tooltip" style={{ left: tip.x, top: tip.y }}>
          {tip.text}
        </div>
      )}
    </TooltipContext.Provider>
  );
}

export function useTooltip(): TooltipApi {
  return useContext(TooltipContext);
}
