/**
 * `data-status="ready"` is a promise to tests and the benchmark: the tables and charts of the current dump are on
 * screen. Each view reports readiness for (dump id, view) after the commit that rendered its content; the app
 * says "ready" only when the report matches what it is showing.
 */
import { createContext, useContext, useLayoutEffect } from 'react';

export const ReadyContext = createContext<(key: string) => void>(() => undefined);

export function useReportReady(key: string, rendered = true): void {
  const report = useContext(ReadyContext);
  // A layout effect: the report's re-render lands in the same frame as the content, so "ready" is not a frame
  // (or, after a transition, several) behind what is on screen.
  useLayoutEffect(() => {
    if (rendered) report(key);
  }, [key, rendered, report]);
}
