/**
 * The view state, mirrored in the URL hash (replaceState: filters typed letter by letter should not flood the
 * history) and read back when the hash changes (a pasted link in the same tab).
 */
import { useEffect, useState } from 'react';
import { formatHash, parseHash, type ViewState } from './hash-state';

export function useViewState(): [ViewState, (update: (s: ViewState) => ViewState) => void] {
  const [state, setState] = useState<ViewState>(() => parseHash(window.location.hash));
  useEffect(() => {
    const hash = formatHash(state);
    if (hash !== window.location.hash && !(hash === '' && window.location.hash === '')) {
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${window.location.search}${hash}`,
      );
    }
  }, [state]);
  useEffect(() => {
    const onHash = () => setState(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [state, setState];
}
