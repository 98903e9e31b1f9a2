/** The empty state: how to open a dump, and how to get one. */
import type { ReactNode } from 'react';

export function Welcome({
  onOpen,
  onSample,
  recent,
}: {
  readonly onOpen: () => void;
  readonly onSample: () => void;
  /** The recent dumps, to open one again (RecentDumps). */
  readonly recent?: ReactNode;
}): ReactNode {
  return (
    <main className="welcome">
      <div className="welcome-drop">
        <h1>Where did the memory go?</h1>
        <p>
          Drop a Linux core dump anywhere on this page, or{' '}
          <button type="button" className="link" onClick={onOpen}>
            choose a file
          </button>
          . Multi-gigabyte dumps open in seconds: only the headers and notes are read.
        </p>
        <p>
          No dump at hand?{' '}
          <button type="button" className="link" onClick={onSample}>
            Try the sample
          </button>{' '}
          — a kernel core of a process with 32 threads on default 8 MiB stacks.
        </p>
      </div>
      {recent}
      <section className="welcome-help" aria-labelledby="get-a-dump">
        <h2 id="get-a-dump">Getting a core dump</h2>
        <ul>
          <li>
            A running process: <code>gcore &lt;pid&gt;</code> (gdb), or for .NET{' '}
            <code>dotnet-dump collect -p &lt;pid&gt;</code>
          </li>
          <li>
            A crash with systemd: <code>coredumpctl dump &lt;pid&gt; -o core</code>
          </li>
          <li>
            A crash without it: <code>ulimit -c unlimited</code> before starting the program
          </li>
        </ul>
        <p className="muted">
          Regions, per-kind totals (as SOS !maddress prints them) and thread stacks; copy any table as text, or download
          the analysis as JSON — the same as the coreview command line.
        </p>
      </section>
    </main>
  );
}
