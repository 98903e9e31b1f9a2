/** Whether the window is phone-narrow (≤ 600 px, the stylesheet's breakpoint): tables then hide their less useful columns. */
import { useEffect, useState } from 'react';

const QUERY = '(max-width: 600px)';

export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(
    () => typeof window.matchMedia === 'function' && window.matchMedia(QUERY).matches,
  );
  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return undefined;
    const media = window.matchMedia(QUERY);
    const onChange = () => setNarrow(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return narrow;
}
