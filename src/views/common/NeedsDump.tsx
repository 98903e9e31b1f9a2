/**
 * In place of a view that reads memory (Search, Memory) while a saved report is on screen: says the view needs
 * the dump and takes it. The dump given is matched to the report (size, fingerprint; compressed: the fingerprint
 * of the core it decodes to) before it opens; a mismatch is said here, naming what differs, and the report stays.
 */
import { useRef, useState, type ReactNode } from 'react';
import type { AnalysisView, ReportContents } from '../../../workers/engine-protocol';
import { humanSize } from '../../core/format/size';
import { useReportReady } from './use-report-ready';

export interface NeedsDumpProps {
  readonly view: AnalysisView;
  readonly report: ReportContents;
  /** "Search", "Memory": the view that needs the dump. */
  readonly what: string;
  /** The view's key for the ready report ("search", "memory"). */
  readonly viewKey: string;
  /** Matches `file` to the report and opens it; resolves to why it does not match, or undefined once it opens. */
  readonly onGiveDump: (file: File) => Promise<string | undefined>;
}

export function NeedsDump({ view, report, what, viewKey, onGiveDump }: NeedsDumpProps): ReactNode {
  const input = useRef<HTMLInputElement>(null);
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string>();
  useReportReady(`${view.id}:${viewKey}`);
  const give = (file: File | undefined) => {
    if (file === undefined) return;
    setChecking(true);
    setProblem(undefined);
    void onGiveDump(file).then(
      (why) => {
        setChecking(false);
        setProblem(why);
      },
      (e: unknown) => {
        setChecking(false);
        setProblem(e instanceof Error ? e.message : String(e));
      },
    );
  };
  return (
    <div className="view needs-dump" data-testid="needs-dump">
      <p>
        <strong>{what} reads the dump’s memory.</strong> This page shows a report, {view.fileName}, saved from{' '}
        <span className="mono">{report.dumpName}</span> ({humanSize(report.dumpSize)}); the report holds the tables, not
        the memory.
      </p>
      <p className="muted">
        Give the dump it was made from: it is matched to the report by its size
        {report.fingerprint === undefined
          ? ' (this report is older and has no fingerprint)'
          : ' and its header’s fingerprint'}
        , then opened here — it stays on this computer — and this view becomes live. A compressed dump (.zst, .gz, .xz,
        .lz4) is matched by the fingerprint of its decoded headers and notes, then decoded whole.
      </p>
      <p>
        <button type="button" disabled={checking} onClick={() => input.current?.click()}>
          {checking ? 'Checking the dump…' : 'Open the dump…'}
        </button>
        <input
          ref={input}
          type="file"
          hidden
          aria-label="The dump this report was made from"
          data-testid="needs-dump-input"
          onChange={(e) => {
            give(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </p>
      {problem !== undefined && (
        <p className="warn-note" role="alert" data-testid="needs-dump-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
