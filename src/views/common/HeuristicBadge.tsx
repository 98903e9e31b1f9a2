/**
 * Marks a Memory Kind that rests on a heuristic (without the runtime's own data such a tag is only probable, and
 * README's kind table says so): a dotted underline and a "?" badge whose tooltip names the heuristic and its evidence.
 */
import { useId, type ReactNode } from 'react';
import { TOOLTIP_ID, useTooltip } from './Tooltip';

export interface KindLabelProps {
  readonly kind: string;
  readonly heuristic?: { readonly name: string; readonly evidence: string };
}

export function KindLabel({ kind, heuristic }: KindLabelProps): ReactNode {
  if (heuristic === undefined) return <span className="kind">{kind}</span>;
  return (
    <span className="kind guessed">
      <span className="kind-text">{kind}</span>
      <HeuristicBadge text={`Heuristic “${heuristic.name}”: ${heuristic.evidence}`} />
    </span>
  );
}

export function HeuristicBadge({ text }: { readonly text: string }): ReactNode {
  const owner = useId();
  const tip = useTooltip();
  const show = (e: { currentTarget: Element }) => tip.show(owner, text, e.currentTarget);
  return (
    <span
      className="badge"
      tabIndex={0}
      role="img"
      aria-label="heuristic"
      aria-describedby={tip.shownBy === owner ? TOOLTIP_ID : undefined}
      onMouseEnter={show}
      onFocus={show}
      onMouseLeave={() => tip.hide(owner)}
      onBlur={() => tip.hide(owner)}
      data-evidence={text}
    >
      ?
    </span>
  );
}
