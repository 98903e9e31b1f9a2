/** The top bar: the open dump's name and size, open / sample / download, the settings, and the privacy line. */
import { forwardRef, type ReactNode } from 'react';
import type { AnalysisView } from '../../workers/engine-protocol';
import { humanSize } from '../core/format/size';
import { DownloadButton } from '../views/common/ExportButtons';
import { SettingsMenu } from './SettingsMenu';
import { CopyLinkButton } from './CopyLinkButton';

export interface TopBarProps {
  readonly view: AnalysisView | undefined;
  /** Every file picked: a dump, and binaries, debug files or perf maps to go beside it. */
  readonly onFiles: (files: File[]) => void;
  /** "Open dump…": the browser's picker where it gives file handles (for the recent dumps), else the file input. */
  readonly onOpen?: () => void;
  readonly onSample: () => void;
  /** The "Compare with…" button, shown while a dump or report is open. */
  readonly compare?: ReactNode;
  readonly getJson: () => Promise<string>;
  /** The address of the dump on screen when it was opened by URL: shows "Copy link". */
  readonly dumpUrl?: string;
  readonly autoCensus: boolean;
  readonly onAutoCensus: (on: boolean) => void;
}

export const TopBar = forwardRef<HTMLInputElement, TopBarProps>(function TopBar(
  { view, onFiles, onOpen, onSample, compare, getJson, dumpUrl, autoCensus, onAutoCensus },
  fileInput,
): ReactNode {
  const stem = view?.fileName.replace(/\.[^.]*$/, '') || view?.fileName || 'core';
  const input = typeof fileInput === 'function' ? undefined : fileInput;
  return (
    // The banner landmark holds the privacy line too: no content of the page is outside a landmark.
    <header>
      <div className="topbar">
        {/* The page's level-one heading: the tool's name (each view's sections are h2). */}
        <h1 className="brand">coreview</h1>
        <span className="file" title={view?.fileName}>
          {view === undefined ? <span className="muted">no dump open</span> : view.fileName}
          {view !== undefined && <span className="muted"> · {humanSize(view.overview.dump.size)}</span>}
        </span>
        <span className="actions">
          <input
            ref={fileInput}
            type="file"
            className="visually-hidden"
            id="open-file"
            multiple
            aria-label="Open a core dump, or add binaries, debug files and perf maps"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              // Reset so choosing the same file again still fires a change.
              e.target.value = '';
              if (files.length > 0) onFiles(files);
            }}
          />
          <button type="button" onClick={() => (onOpen === undefined ? input?.current?.click() : onOpen())}>
            Open dump…
          </button>
          <button type="button" onClick={onSample}>
            Open sample dump
          </button>
          {view !== undefined && (
            <button
              type="button"
              title="Executables, shared objects, debug files or perf maps of this dump's process: matched by build-id, read here, never uploaded"
              onClick={() => input?.current?.click()}
            >
              Add binaries…
            </button>
          )}
          {view !== undefined && (
            <DownloadButton label="Download JSON" fileName={`${stem}.json`} type="application/json" getText={getJson} />
          )}
          {view !== undefined && compare}
          {view !== undefined && dumpUrl !== undefined && <CopyLinkButton dumpUrl={dumpUrl} />}
          <SettingsMenu autoCensus={autoCensus} onAutoCensus={onAutoCensus} />
        </span>
      </div>
      <p className="privacy">
        Dumps are read in this tab, by this page’s own workers: nothing is uploaded, and the page works offline.
      </p>
    </header>
  );
});
