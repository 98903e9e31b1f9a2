/**
 * React's view of the recent dumps (recent-dumps.ts): the list, and a dump is added once it has opened — a file
 * that turned out not to be a dump is not worth a place in it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoadState } from '../../workers/engine-protocol';
import { handleOf } from './file-handles';
import { indexedDbStore, rememberDump, type RecentDump, type RecentStore } from './recent-dumps';

export interface RecentDumps {
  /** The most recently opened first; undefined until IndexedDB has answered. */
  readonly entries: readonly RecentDump[] | undefined;
  /** `file` is being opened as the dump: it joins the list when it is on screen. */
  readonly remember: (file: File) => void;
  readonly forget: (key: string) => void;
}

function complain(e: unknown): void {
  // The list is a convenience: without IndexedDB (some private windows) the page works as before. Say why in the
  // console for whoever wonders where the list went.
  console.warn('coreview: recent dumps not available:', e);
}

export function useRecentDumps(load: LoadState): RecentDumps {
  const [store] = useState<RecentStore>(() => indexedDbStore());
  const [entries, setEntries] = useState<readonly RecentDump[] | undefined>();
  const refresh = useCallback(
    () =>
      store.all().then(setEntries, (e: unknown) => {
        complain(e);
        setEntries([]);
      }),
    [store],
  );
  useEffect(() => void refresh(), [refresh]);

  // The file given last, and the name of the load under way: the file is kept once a load of that name is ready.
  const pending = useRef<File>(undefined);
  const loadingName = useRef<string>(undefined);
  useEffect(() => {
    if (load.status === 'loading') {
      loadingName.current = load.name;
      return;
    }
    const file = pending.current;
    if (file === undefined || loadingName.current !== file.name) return;
    pending.current = undefined;
    if (load.status === 'ready')
      void rememberDump(store, file, handleOf(file)).then(refresh, (e: unknown) => {
        complain(e);
      });
  }, [load, store, refresh]);

  const remember = useCallback((file: File) => {
    pending.current = file;
  }, []);
  const forget = useCallback((key: string) => void store.remove(key).then(refresh, complain), [store, refresh]);
  return { entries, remember, forget };
}
