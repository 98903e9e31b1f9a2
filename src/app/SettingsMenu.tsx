/** The settings menu in the top bar: whether the census runs by itself after a dump opens (saved in this browser). */
import type { ReactNode } from 'react';

export function SettingsMenu({
  autoCensus,
  onAutoCensus,
}: {
  readonly autoCensus: boolean;
  readonly onAutoCensus: (on: boolean) => void;
}): ReactNode {
  return (
    <details className="settings">
      <summary>Settings</summary>
      <div className="settings-body">
        <label>
          <input type="checkbox" checked={autoCensus} onChange={(e) => onAutoCensus(e.target.checked)} /> Scan memory
          after opening a dump
        </label>
        <p className="muted">
          The census reads every byte in the dump once, on all workers, to count the pages that hold non-zero data and
          to find which distribution the process ran on. Off: only the headers are read (you can still start it from the
          page).
        </p>
      </div>
    </details>
  );
}
