/**
 * The page: header (open, sample, download, status), the privacy line, progress/error panels, the tabs and the
 * views. It holds the view state (mirrored in the URL hash) and routes between views; it parses nothing.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { OverviewView } from '../views/OverviewView';
import { RegionsView } from '../views/regions/RegionsView';
import { prepareRegions, regionAt } from '../views/regions/region-model';
import { ThreadsView } from '../views/threads/ThreadsView';
import { TotalsView } from '../views/totals/TotalsView';
import { DownloadButton } from '../views/common/ExportButtons';
import { ReadyContext } from '../views/common/use-report-ready';
import { TooltipProvider } from '../views/common/Tooltip';
import { hexAddress } from '../core/format/address';
import { humanSize } from '../core/format/size';
import { VIEWS, type ViewName, type ViewState } from './hash-state';
import { ErrorPanel, Notice, ProgressPanel, WarningsNote } from './StatusPanels';
import { Welcome } from './Welcome';
import { shownAnalysis, useEngine } from './use-engine';
import { useFileDrop } from './use-file-drop';
import { useViewState } from './use-view-state';

const TAB_LABELS: Record<ViewName, string> = { overview: 'Overview', regions: 'Regions', totals: 'Totals', threads: 'Threads' };

declare global {
  interface Window {
    /** Test hooks (e2e): harmless in production, they only touch this page's own workers. */
    __coreview?: { crashWorker: () => void };
  }
}

export function App(): ReactNode {
  const engine = useEngine();
  const { state, open } = engine;
  const [vs, setVs] = useViewState();
  const [renderedKey, setRenderedKey] = useState<string>();
  const [scrollKey, setScrollKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const dragging = useFileDrop(open);
  const view = shownAnalysis(state);
  const prepared = useMemo(() => (view === undefined ? undefined : prepareRegions(view.regions)), [view]);

  useEffect(() => {
    window.__coreview = { crashWorker: engine.crashWorkerForTest };
  }, [engine.crashWorkerForTest]);
  useEffect(() => {
    document.title = view === undefined ? 'coreview' : `${view.fileName} — coreview`;
  }, [view]);

  const selectedRegion = useMemo(() => {
    if (prepared === undefined || vs.region === undefined) return undefined;
    const address = BigInt(vs.region);
    const i = regionAt(prepared, address);
    return i !== undefined && prepared.cols.start[i] === address ? i : undefined;
  }, [prepared, vs.region]);

  const update = useCallback((patch: Partial<ViewState>) => setVs((s) => ({ ...s, ...patch })), [setVs]);
  const regionHex = useCallback((i: number) => (prepared === undefined ? undefined : hexAddress(prepared.cols.start[i] ?? 0n)), [prepared]);
  const pickKind = useCallback((kind: string) => update({ view: 'regions', regionFilter: { text: '', kind }, region: undefined }), [update]);
  const pickImage = useCallback((image: string) => update({ view: 'regions', regionFilter: { text: image }, region: undefined }), [update]);
  const showStack = useCallback(
    (region: number) => {
      // Clear the filters so the stack is in the table, then scroll to it.
      update({ view: 'regions', regionFilter: { text: '' }, region: regionHex(region) });
      setScrollKey((k) => k + 1);
    },
    [update, regionHex],
  );
  const showThread = useCallback(
    (tid: number) => {
      update({ view: 'threads', threadText: '', thread: tid });
      setScrollKey((k) => k + 1);
    },
    [update],
  );

  const expected = view === undefined ? undefined : `${view.id}:${vs.view}`;
  const status = state.status === 'ready' ? (renderedKey === expected ? 'ready' : 'loading') : state.status;
  const stem = view?.fileName.replace(/\.[^.]*$/, '') || view?.fileName || 'core';

  return (
    <ReadyContext.Provider value={setRenderedKey}>
      <TooltipProvider>
        <div className="app" data-status={status} data-scan="off">
          <header className="topbar">
            <span className="brand">coreview</span>
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
                aria-label="Open a core dump"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  // Reset so choosing the same file again still fires a change.
                  e.target.value = '';
                  if (file !== undefined) open(file);
                }}
              />
              <button type="button" onClick={() => fileInput.current?.click()}>
                Open dump…
              </button>
              <button type="button" onClick={engine.openSample}>
                Open sample dump
              </button>
              {view !== undefined && (
                <DownloadButton label="Download JSON" fileName={`${stem}.json`} type="application/json" getText={() => engine.exportText({ kind: 'json' })} />
              )}
            </span>
          </header>
          <p className="privacy">
            Dumps are read in this tab, by this page’s own workers: nothing is uploaded, and the page works offline.
          </p>
          {state.status === 'loading' && <ProgressPanel name={state.name} size={state.size} progress={state.progress} onCancel={engine.cancel} />}
          {state.status === 'error' && <ErrorPanel name={state.name} failure={state.failure} kept={state.previous !== undefined} onDismiss={engine.dismiss} />}
          {engine.notice !== undefined && <Notice text={engine.notice} onDismiss={engine.dismiss} />}
          {view === undefined || prepared === undefined ? (
            state.status !== 'loading' && <Welcome onOpen={() => fileInput.current?.click()} onSample={engine.openSample} />
          ) : (
            <main className="main">
              <nav className="tabs" role="tablist" aria-label="Views">
                {VIEWS.map((v) => (
                  <button
                    key={v}
                    type="button"
                    role="tab"
                    id={`tab-${v}`}
                    aria-selected={vs.view === v}
                    aria-controls="view-panel"
                    tabIndex={vs.view === v ? 0 : -1}
                    onClick={() => update({ view: v })}
                    onKeyDown={(e) => {
                      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
                      if (step === 0) return;
                      const next = VIEWS[(VIEWS.indexOf(vs.view) + step + VIEWS.length) % VIEWS.length] ?? 'overview';
                      update({ view: next });
                      document.getElementById(`tab-${next}`)?.focus();
                    }}
                  >
                    {TAB_LABELS[v]}
                    {v === 'regions' && <span className="tab-count">{view.regions.count}</span>}
                    {v === 'threads' && <span className="tab-count">{view.threads.length}</span>}
                  </button>
                ))}
              </nav>
              {view.overview.dump.warnings.length > 0 && <WarningsNote warnings={view.overview.dump.warnings} onMore={() => update({ view: 'overview' })} />}
              <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${vs.view}`} className="panel-host">
                {vs.view === 'overview' && <OverviewView view={view} onPickKind={pickKind} onShowView={(v) => update({ view: v })} />}
                {vs.view === 'regions' && (
                  <RegionsView
                    view={view}
                    prepared={prepared}
                    filter={vs.regionFilter}
                    sort={vs.regionSort}
                    selected={selectedRegion}
                    scrollKey={scrollKey}
                    onFilter={(regionFilter, select) => update(select === undefined ? { regionFilter } : { regionFilter, region: regionHex(select) })}
                    onSort={(regionSort) => update({ regionSort })}
                    onSelect={(i) => update({ region: regionHex(i) })}
                    onShowThread={showThread}
                    exportText={engine.exportText}
                  />
                )}
                {vs.view === 'totals' && <TotalsView view={view} onPickKind={pickKind} onPickImage={pickImage} exportText={engine.exportText} />}
                {vs.view === 'threads' && (
                  <ThreadsView
                    view={view}
                    text={vs.threadText}
                    sort={vs.threadSort}
                    selectedTid={vs.thread}
                    scrollKey={scrollKey}
                    onText={(threadText) => update({ threadText })}
                    onSort={(threadSort) => update({ threadSort })}
                    onSelect={(thread) => update({ thread })}
                    onShowStack={showStack}
                    exportText={engine.exportText}
                  />
                )}
              </div>
            </main>
          )}
          {dragging && (
            <div className="drop-overlay" aria-hidden="true">
              <div className="drop-target">Drop the core dump to open it — it stays on this computer</div>
            </div>
          )}
        </div>
      </TooltipProvider>
    </ReadyContext.Provider>
  );
}
