/** What the page says while loading (step, bytes, MB/s, Cancel), after a failure, and when a worker was replaced. */
import type { ReactNode } from 'react';
import type { LoadFailure, LoadProgress } from '../../workers/engine-protocol';
import { humanSize } from '../core/format/size';

export function ProgressPanel({
  name,
  size,
  progress,
  onCancel,
}: {
  readonly name: string;
  readonly size?: number;
  readonly progress?: LoadProgress;
  readonly onCancel: () => void;
}): ReactNode {
  const seconds = (progress?.elapsedMs ?? 0) / 1000;
  const rate = progress !== undefined && seconds > 0.05 ? progress.bytes / (1024 * 1024) / seconds : undefined;
  const fraction = progress?.fraction;
  // Decompressing: the compressed bytes consumed are known against the file's size, so the time left is too.
  const secondsLeft =
    progress?.phase === 'decompress' && fraction !== undefined && fraction > 0.01 && seconds > 0.5
      ? (seconds * (1 - fraction)) / fraction
      : undefined;
  return (
    <section className="progress" role="status" aria-live="polite" aria-label="Loading">
      <div className="progress-text">
        <strong>Opening {name}</strong>
        {size !== undefined && <span className="muted"> ({humanSize(size)})</span>}
        <span>
          {' '}
          —{' '}
          {progress === undefined
            ? 'starting…'
            : progress.phase === 'decompress'
              ? progress.step
              : `reading ${progress.step}`}
        </span>
        {progress !== undefined && (
          <span className="muted">
            {' '}
            · {humanSize(progress.bytes)} {progress.phase === 'decompress' ? 'so far' : 'read'}
            {rate !== undefined && ` · ${rate.toFixed(1)} MiB/s`}
            {secondsLeft !== undefined && ` · about ${Math.ceil(secondsLeft)} s left`}
          </span>
        )}
      </div>
      <progress max={1} value={fraction} aria-label="Progress" />
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </section>
  );
}

const ADVICE: Record<LoadFailure['kind'], ReactNode> = {
  dump: (
    <>
      Open an ELF core file: one written by the kernel (with systemd: <code>coredumpctl dump -o core</code>), by gdb’s{' '}
      <code>gcore</code>, or by <code>dotnet-dump collect</code>.
    </>
  ),
  unreadable: 'Pick the file again; if it is on a network drive or was just written, copy it to a local disk first.',
  fetch: 'Check the connection (the sample is fetched once, then kept for offline use) and try again.',
  url: (
    <>
      The address must serve the file to this page: on another origin, the deployer lists that origin at build time and
      its server answers CORS (see “Open by URL” in the README).
    </>
  ),
  worker: 'The engine worker has been replaced; open the dump again.',
  compressed: (
    <>
      The compressed file is damaged or incomplete: check it (<code>zstd -t</code>, <code>gzip -t</code>,{' '}
      <code>xz -t</code>, <code>lz4 -t</code>) and copy it again.
    </>
  ),
  storage:
    'The page decompresses a dump into browser storage on this disk: free some disk space, or run the command line (coreview FILE), which decompresses to a temporary file.',
  report:
    'A coreview report is read as it was saved: a field edited by hand or a file cut short is refused. Download it again, or open the dump.',
  internal: (
    <>
      This is a bug in coreview, not a problem with your file. Please report it with the dump’s first bytes (
      <code>head -c 4096 core | xxd</code>).
    </>
  ),
};

export function ErrorPanel({
  name,
  failure,
  kept,
  onDismiss,
}: {
  readonly name: string;
  readonly failure: LoadFailure;
  readonly kept: boolean;
  readonly onDismiss: () => void;
}): ReactNode {
  return (
    <section className="error" role="alert" data-testid="load-error">
      <p>
        <strong>{name}</strong> could not be opened: {failure.message}.
      </p>
      <p className="muted">
        {ADVICE[failure.kind]}
        {kept && ' The previous dump is still shown below.'}
      </p>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </section>
  );
}

export function Notice({ text, onDismiss }: { readonly text: string; readonly onDismiss: () => void }): ReactNode {
  return (
    <section className="notice" role="status" data-testid="worker-notice">
      <span>{text}</span>
      <button type="button" className="quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </section>
  );
}

/**
 * The dump's warnings, on every view: a truncated dump or a missing note changes what the tables mean, so it must
 * not hide in the Overview. The first warning in full, the rest behind a link.
 */
export function WarningsNote({
  warnings,
  onMore,
}: {
  readonly warnings: readonly string[];
  readonly onMore: () => void;
}): ReactNode {
  const truncated = warnings.some((w) => w.includes('truncated'));
  return (
    <section className="warn-note" role="note" aria-label="Warnings about this dump" data-testid="dump-warnings">
      <strong>Warning:</strong> {warnings[0]}
      {truncated &&
        ' — the file was cut short (ulimit -c, a full disk, an interrupted copy): take or copy the dump again to see those bytes.'}
      {warnings.length > 1 && (
        <>
          {' '}
          <button type="button" className="link" onClick={onMore}>
            {warnings.length - 1} more
          </button>
        </>
      )}
    </section>
  );
}
