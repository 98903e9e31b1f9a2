/**
 * For a dump opened by URL and read with Range requests: how much of it the page has fetched so far, over every
 * worker (the header pass, the stacks pass, scans, the hex view). Asked again every second while shown: the
 * stacks pass and scans keep fetching after the dump is on screen.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { humanSize } from '../core/format/size';

export interface Fetched {
  readonly bytes: number;
  readonly size: number;
}

const POLL_MS = 1000;

export function HttpFetched({ fetched }: { readonly fetched: () => Promise<Fetched | undefined> }): ReactNode {
  const [now, setNow] = useState<Fetched>();
  useEffect(() => {
    let live = true;
    const ask = () =>
      void fetched().then(
        (f) => {
          if (live) setNow(f);
        },
        () => undefined,
      );
    ask();
    const timer = setInterval(ask, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [fetched]);
  if (now === undefined) return <span className="muted">counting…</span>;
  const percent = now.size > 0 ? (100 * now.bytes) / now.size : 0;
  return (
    <span data-testid="http-fetched" data-bytes={now.bytes}>
      read over HTTP: {humanSize(now.bytes)} of {humanSize(now.size)}{' '}
      <span className="muted">
        ({percent < 0.01 && now.bytes > 0 ? '< 0.01' : percent.toFixed(2)} %, with Range requests)
      </span>
    </span>
  );
}
