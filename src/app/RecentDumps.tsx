/**
 * The recent dumps on the welcome screen (src/state/recent-dumps.ts): one click opens one again where the browser
 * kept a handle to its file; elsewhere the entry says to pick the file again. Each can be forgotten.
 */
import type { ReactNode } from 'react';
import { humanSize } from '../core/format/size';
import type { RecentDump } from '../state/recent-dumps';
import './keep.css';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function RecentDumps({
  entries,
  onReopen,
  onPickAgain,
  onForget,
}: {
  readonly entries: readonly RecentDump[] | undefined;
  readonly onReopen: (entry: RecentDump) => void;
  readonly onPickAgain: () => void;
  readonly onForget: (key: string) => void;
}): ReactNode {
  if (entries === undefined || entries.length === 0) return undefined;
  return (
    <section className="welcome-help recent-dumps" aria-labelledby="recent-dumps">
      <h2 id="recent-dumps">Recent dumps</h2>
      <ul>
        {entries.map((entry) => (
          <li key={entry.key}>
            {entry.handle === undefined ? (
              <span className="recent-name">{entry.name}</span>
            ) : (
              <button
                type="button"
                className="link recent-name"
                title={`Open ${entry.name} again`}
                onClick={() => onReopen(entry)}
              >
                {entry.name}
              </button>
            )}
            <span className="muted">
              {humanSize(entry.size)} · opened {when.format(entry.openedAt)}
            </span>
            {entry.handle === undefined && (
              <span>
                <span className="muted">no handle kept by this browser: </span>
                <button type="button" className="link" onClick={onPickAgain}>
                  pick the file again
                </button>
              </span>
            )}
            <button
              type="button"
              className="quiet"
              aria-label={`Forget ${entry.name}`}
              onClick={() => onForget(entry.key)}
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">Kept in this browser: each dump’s name, size and where it is, never what is in it.</p>
    </section>
  );
}
