/**
 * The comparison of the dump (or report) on screen, A, with a second one, B, as React state. B is read once into
 * its JSON document (compare-side.ts) and kept; A's document is exported again whenever A changes — another dump
 * opened, its stacks pass ended, its census complete — so the comparison always shows what A's views show.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AnalysisView, CensusExport, GivenFile } from '../../workers/engine-protocol';
import type { CompareDocument } from '../core/compare/compare-document';
import { compareReports } from '../core/compare/compare-reports';
import type { ReportDocument } from '../core/format/report-document';
import { parseReport } from '../core/format/report-parse';
import { readCompareSide } from './compare-side';
import type { Engine } from './use-engine';

export type CompareState =
  | { readonly status: 'off' }
  | { readonly status: 'loading'; readonly name: string; readonly step: string }
  /** `settled`: A's stacks pass had ended (or A is a report) when A's document was taken. */
  | { readonly status: 'ready'; readonly name: string; readonly doc: CompareDocument; readonly settled: boolean }
  | { readonly status: 'error'; readonly name: string; readonly message: string };

export interface Compare {
  readonly state: CompareState;
  /** Reads `file` (a dump or a report) as side B and compares the one on screen with it. */
  readonly compareWith: (file: File) => void;
  /** Stops comparing: B is forgotten. */
  readonly stop: () => void;
}

interface SideB {
  readonly name: string;
  readonly report: ReportDocument;
}

/**
 * `settled`: A's stacks pass has ended (or A is a report, with none to run): until then A's document lacks its
 * stack groups, and the comparison is taken again once it has them.
 */
export function useCompare(
  engine: Engine,
  view: AnalysisView | undefined,
  settled: boolean,
  census: CensusExport | undefined,
  given: readonly GivenFile[],
): Compare {
  const [state, setState] = useState<CompareState>({ status: 'off' });
  const [side, setSide] = useState<SideB>();
  const token = useRef(0);

  const compareWith = useCallback(
    (file: File) => {
      const mine = ++token.current;
      setState({ status: 'loading', name: file.name, step: `reading ${file.name}` });
      setSide(undefined);
      const { pool, session } = engine.parts();
      const onStep = (step: string) => {
        if (token.current === mine) setState({ status: 'loading', name: file.name, step });
      };
      void readCompareSide(pool, file, given, session.currentSlot, onStep).then(
        (result) => {
          if (token.current !== mine) return;
          if (result.ok) setSide({ name: file.name, report: result.report });
          else setState({ status: 'error', name: file.name, message: result.message });
        },
        (e: unknown) => {
          if (token.current !== mine) return;
          const message = `internal error while reading ${file.name}: ${e instanceof Error ? e.message : String(e)}`;
          setState({ status: 'error', name: file.name, message });
        },
      );
    },
    [engine, given],
  );

  const stop = useCallback(() => {
    token.current++;
    setSide(undefined);
    setState({ status: 'off' });
  }, []);

  // A's document, taken again whenever what it holds changes; B stays as read.
  const { exportText } = engine;
  const viewId = view?.id;
  useEffect(() => {
    if (side === undefined || viewId === undefined) return undefined;
    let live = true;
    exportText({ kind: 'json', ...(census ? { census } : {}) }).then(
      (text) => {
        if (!live) return;
        const parsed = parseReport(text);
        if (!parsed.ok) {
          setState({ status: 'error', name: side.name, message: `the dump on screen: ${parsed.message}` });
          return;
        }
        setState({ status: 'ready', name: side.name, doc: compareReports(parsed.report, side.report), settled });
      },
      (e: unknown) => {
        if (!live) return;
        const message = `the dump on screen could not be exported: ${e instanceof Error ? e.message : String(e)}`;
        setState({ status: 'error', name: side.name, message });
      },
    );
    return () => {
      live = false;
    };
  }, [side, viewId, settled, census, exportText]);

  return { state, compareWith, stop };
}
