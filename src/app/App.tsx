/**
 * The page: top bar (open, sample, download, settings), the privacy line, progress/error/census panels, the tabs
 * and the views. It holds the view state (mirrored in the URL hash) and routes between views; it parses nothing.
 *
 * Test hooks on the root element: data-status (idle | loading | ready | error: "ready" once the current view of
 * the current dump is on screen) and data-scan (off | running | done | incomplete: "done" once every region's
 * census is in and rendered; "off" with no census for the dump on screen — none open, or the census turned off),
 * and data-stacks (off | running | done | incomplete) for the stacks pass the same way; data-source (dump | report)
 * says whether the view on screen was read from a dump or from a saved report.
 */
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { OverviewView } from '../views/OverviewView';
import { HexView } from '../views/hex/HexView';
import { RegionsView } from '../views/regions/RegionsView';
import { prepareRegions, regionAt } from '../views/regions/region-model';
import { SearchView } from '../views/search/SearchView';
import { NeedsDump } from '../views/common/NeedsDump';
import { dumpMismatch } from '../state/match-dump';
import { ThreadsView } from '../views/threads/ThreadsView';
import type { ThreadFilter } from '../views/threads/thread-model';
import { TotalsView } from '../views/totals/TotalsView';
import { CensusContext } from '../views/common/census-context';
import { StacksContext } from '../views/common/stacks-context';
import { TooltipProvider } from '../views/common/Tooltip';
import { hexAddress } from '../core/format/address';
import { CensusPanel } from './CensusPanel';
import { censusExport, type CensusState } from '../state/census-data';
import type { HexMode, ViewState } from '../state/hash-state';
import { ErrorPanel, Notice, ProgressPanel, WarningsNote } from './StatusPanels';
import { StatusRoot } from './StatusRoot';
import { useTestEntry } from './test-entry';
import { TopBar } from './TopBar';
import { useCensus } from '../state/use-census';
import { useStacks } from '../state/use-stacks';
import { routeFiles } from '../state/route-files';
import type { StacksStatus } from '../state/stacks-data';
import { shownAnalysis, useEngine } from '../state/use-engine';
import { useFileDrop } from './use-file-drop';
import { useDumpPicker } from './use-dump-picker';
import { useLaunchFiles } from '../state/launch-files';
import { useRecentDumps } from '../state/use-recent-dumps';
import { RecentDumps } from './RecentDumps';
import { useSearch } from '../state/use-search';
import { useSettings } from '../state/use-settings';
import { useViewState } from '../state/use-view-state';
import { ViewTabs } from './ViewTabs';
import { CompareButton, pickOneFile } from './CompareButton';
import { CompareView } from '../views/compare/CompareView';
import type { CompareLink } from '../core/compare/compare-document';
import { useCompare, type CompareState } from '../state/use-compare';
import { Welcome } from './Welcome';
import { PREMOUNT_VIEW, premountable } from './premount';

function scanAttribute(c: CensusState | undefined): 'off' | 'running' | 'done' | 'incomplete' {
  if (c === undefined) return 'off';
  if (c.status === 'running' || c.status === 'done') return c.status;
  return 'incomplete';
}

/** `data-compare`: "ready" once both sides are compared with A's stacks pass in (or A a report). */
function compareAttribute(s: CompareState): 'loading' | 'ready' | 'error' | undefined {
  if (s.status === 'off') return undefined;
  if (s.status === 'ready') return s.settled ? 'ready' : 'loading';
  return s.status;
}

function stacksAttribute(status: StacksStatus | undefined): StacksStatus {
  return status ?? 'off';
}

export function App(): ReactNode {
  const { flags, settings, setAutoCensus } = useSettings();
  const engine = useEngine(flags);
  const { state, open } = engine;
  const [vs, setVs] = useViewState();
  const [scrollKey, setScrollKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const view = shownAnalysis(state);
  // Until the first dump is shown, the workspace waits mounted, unseen and inert, over an empty analysis (see
  // premount.ts). Deferred from the first render, so the welcome screen paints first.
  const noDumpYet = view === undefined && premountable(vs.view);
  const premount = useDeferredValue(noDumpYet, false) && noDumpYet;
  const workspace = view ?? (premount ? PREMOUNT_VIEW : undefined);
  const prepared = useMemo(
    () => (workspace === undefined ? undefined : prepareRegions(workspace.regions)),
    [workspace],
  );
  // A dump read over HTTP: a census would fetch all of it, so it runs only when asked for (its panel's button).
  const autoCensus = settings.autoCensus && !engine.readOverHttp;
  const census = useCensus(engine.scans, view, autoCensus, state.status === 'loading', flags.tuning, engine.settleView);
  const search = useSearch(engine.scans, view?.id, flags.tuning);
  const c = census.state;
  const censusForStacks = useMemo(() => (c?.status === 'done' ? censusExport(c) : undefined), [c]);
  const stacks = useStacks(engine.session, view, censusForStacks);
  // A second dump or report beside this one. A's document is taken again once its stacks pass has ended.
  const stacksStatus = stacks.state?.status;
  const stacksSettled = stacksStatus === 'done' || stacksStatus === 'incomplete' || view?.report !== undefined;
  const compare = useCompare(engine, view, stacksSettled, censusForStacks, stacks.files);
  // Two dumps given at once on the empty page: the second is compared once the first is on screen.
  const pendingCompare = useRef<File>(undefined);
  const [fileNotes, setFileNotes] = useState<readonly string[]>([]);
  const dumpOpen = view !== undefined;
  const { addFiles } = stacks;
  const recent = useRecentDumps(state);
  const { remember } = recent;
  const openFiles = useCallback(
    (files: File[]) => {
      void routeFiles(files, dumpOpen, engine.sortFiles).then((routed) => {
        setFileNotes(routed.notes);
        if (routed.dump !== undefined) {
          remember(routed.dump);
          pendingCompare.current = routed.compare;
          open(routed.dump);
        }
        addFiles(routed.beside);
      });
    },
    [dumpOpen, engine.sortFiles, open, addFiles, remember],
  );
  const dragging = useFileDrop(openFiles);
  const fileProblem = useCallback((message: string) => setFileNotes([message]), []);
  useLaunchFiles(openFiles, fileProblem);
  const picker = useDumpPicker(openFiles, fileInput, fileProblem);
  useTestEntry(engine, census.start, flags.tuning);
  // ?open=sample (how `npm start` opens the page): once per page load. Deferred a tick and cancelled on cleanup so
  // that React's development double mount, which closes and recreates the worker pool, does not open it twice.
  const sampleOpened = useRef(false);
  const { openSample } = engine;
  useEffect(() => {
    if (!flags.openSample || sampleOpened.current) return undefined;
    const timer = setTimeout(() => {
      sampleOpened.current = true;
      openSample();
    }, 0);
    return () => clearTimeout(timer);
  }, [flags.openSample, openSample]);
  // ?url=<address>: the same, once per page load.
  const urlOpened = useRef(false);
  const { openUrl } = engine;
  useEffect(() => {
    if (flags.url === undefined || urlOpened.current) return undefined;
    const url = flags.url;
    const timer = setTimeout(() => {
      urlOpened.current = true;
      openUrl(url);
    }, 0);
    return () => clearTimeout(timer);
  }, [flags.url, openUrl]);
  const { readOverHttp, session } = engine;
  const fetchedOverHttp = useMemo(
    () => (readOverHttp ? () => session().fetchedOverHttp() : undefined),
    [readOverHttp, session],
  );

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
  const regionHex = useCallback(
    (i: number) => (prepared === undefined ? undefined : hexAddress(prepared.cols.start[i] ?? 0n)),
    [prepared],
  );
  const pickKind = useCallback(
    (kind: string) => update({ view: 'regions', regionFilter: { text: '', kind }, region: undefined }),
    [update],
  );
  const pickImage = useCallback(
    (image: string) => update({ view: 'regions', regionFilter: { text: image }, region: undefined }),
    [update],
  );
  const showRegion = useCallback(
    (region: number) => {
      // Clear the filters so the region is in the table, then scroll to it.
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
  const showMemory = useCallback(
    (address: bigint, mode?: HexMode, highlight?: number) =>
      setVs((s) => ({ ...s, view: 'memory', memoryAt: hexAddress(address), hexMode: mode ?? s.hexMode, highlight })),
    [setVs],
  );
  // A finding's or a stack group's threads: the thread table filtered to them (kept out of the URL: 788 tids).
  const [threadFilter, setThreadFilter] = useState<ThreadFilter>({});
  // Another dump: its threads are other threads (set during render, React's way to reset state on a prop change).
  const [filterDump, setFilterDump] = useState(view?.id);
  if (view?.id !== filterDump) {
    setFilterDump(view?.id);
    setThreadFilter({});
  }
  const showThreads = useCallback(
    (tids: readonly number[], label: string) => {
      setThreadFilter({ tids, tidsLabel: label });
      update({ view: 'threads', threadText: '' });
    },
    [update],
  );
  const showRegionsAt = useCallback(
    (starts: readonly bigint[]) => {
      const first = starts[0];
      const i = prepared === undefined || first === undefined ? undefined : regionAt(prepared, first);
      if (i !== undefined) showRegion(i);
    },
    [prepared, showRegion],
  );
  const addBinaries = useCallback(() => fileInput.current?.click(), []);
  const followPointer = useCallback((address: bigint) => showMemory(address), [showMemory]);
  // Text found in memory (a search hit, an OS clue) reads as bytes, marked; as pointers it would be hex words.
  const showText = useCallback((address: bigint, length: number) => showMemory(address, 'bytes', length), [showMemory]);
  const { compareWith, stop: stopComparing } = compare;
  const startCompare = useCallback(
    (file: File) => {
      compareWith(file);
      update({ view: 'compare', compareWith: file.name });
    },
    [compareWith, update],
  );
  const stopCompare = useCallback(() => {
    stopComparing();
    update({ view: 'overview', compareWith: undefined });
  }, [stopComparing, update]);
  useEffect(() => {
    const file = pendingCompare.current;
    if (file === undefined || (state.status !== 'ready' && state.status !== 'error')) return;
    pendingCompare.current = undefined;
    if (state.status === 'ready') startCompare(file);
  }, [state.status, startCompare]);
  // A compared row leads to its rows in A: Regions filtered by kind or path, Threads limited to the tids.
  const followCompareLink = useCallback(
    (link: CompareLink, label: string) => {
      if (link.view === 'threads') showThreads(link.tids, label);
      else if ('kind' in link) pickKind(link.kind);
      else pickImage(link.text);
    },
    [showThreads, pickKind, pickImage],
  );
  const getJson = useCallback(() => engine.exportText({ kind: 'json', census: censusExport(c) }), [engine, c]);
  // A saved report on screen: the dump given for Search or Memory opens once it matches (the view state stays).
  const report = workspace?.report;
  const giveDump = useCallback(
    async (file: File) => {
      if (report === undefined) return 'no report is open';
      const mismatch = dumpMismatch(report, await engine.session().identify(file), file.name);
      if (mismatch === undefined) open(file);
      return mismatch;
    },
    [report, engine, open],
  );

  const expected = view === undefined ? undefined : `${view.id}:${vs.view}`;
  const touchedColumn = autoCensus || c !== undefined;
  const bits = view?.overview.dump.bits ?? 64;

  return (
    <TooltipProvider>
      <StatusRoot
        load={state.status}
        expected={expected}
        scan={scanAttribute(c)}
        stacks={stacksAttribute(stacks.state?.status)}
        source={view === undefined ? undefined : view.report === undefined ? 'dump' : 'report'}
        compare={compareAttribute(compare.state)}
      >
        <TopBar
          ref={fileInput}
          view={view}
          onFiles={openFiles}
          onOpen={picker.pick}
          onSample={engine.openSample}
          compare={<CompareButton onFile={startCompare} />}
          getJson={getJson}
          dumpUrl={engine.openedUrl}
          autoCensus={settings.autoCensus}
          onAutoCensus={setAutoCensus}
        />
        {state.status === 'loading' && (
          <ProgressPanel name={state.name} size={state.size} progress={state.progress} onCancel={engine.cancel} />
        )}
        {state.status === 'error' && (
          <ErrorPanel
            name={state.name}
            failure={state.failure}
            kept={state.previous !== undefined}
            onDismiss={engine.dismiss}
          />
        )}
        {engine.notice !== undefined && <Notice text={engine.notice} onDismiss={engine.dismiss} />}
        {fileNotes.length > 0 && <Notice text={fileNotes.join('; ')} onDismiss={() => setFileNotes([])} />}
        {view === undefined && state.status !== 'loading' && (
          <Welcome
            onOpen={picker.pick}
            onSample={engine.openSample}
            recent={
              <RecentDumps
                entries={recent.entries}
                onReopen={picker.reopen}
                onPickAgain={picker.pick}
                onForget={recent.forget}
              />
            }
          />
        )}
        {workspace === undefined || prepared === undefined ? undefined : (
          <main className={premount ? 'main premount' : 'main'} inert={premount} aria-hidden={premount || undefined}>
            {!premount && state.status !== 'loading' && report === undefined && (
              <CensusPanel
                state={c}
                regions={workspace.regions}
                bits={bits}
                onCancel={census.cancel}
                onStart={census.start}
                onShowRegion={showRegion}
                {...(readOverHttp ? { httpBytes: workspace.overview.dump.size } : {})}
              />
            )}
            <ViewTabs
              view={workspace}
              current={vs.view}
              onPick={(v) => update({ view: v })}
              comparing={compare.state.status !== 'off' || vs.compareWith !== undefined}
            />
            {workspace.overview.dump.warnings.length > 0 && (
              <WarningsNote warnings={workspace.overview.dump.warnings} onMore={() => update({ view: 'overview' })} />
            )}
            <CensusContext.Provider value={c}>
              <StacksContext.Provider value={stacks.state}>
                {/* Keyed by view: each view starts scrolled to its top, not where the last one was left. */}
                <div
                  key={vs.view}
                  id="view-panel"
                  role="tabpanel"
                  aria-labelledby={`tab-${vs.view}`}
                  className="panel-host"
                >
                  {vs.view === 'overview' && (
                    <OverviewView
                      view={workspace}
                      onPickKind={pickKind}
                      onShowView={(v) => update({ view: v })}
                      onShowMemory={showText}
                      onShowThreads={showThreads}
                      onShowRegions={showRegionsAt}
                      onAddBinaries={addBinaries}
                      fetchedOverHttp={fetchedOverHttp}
                    />
                  )}
                  {vs.view === 'regions' && (
                    <RegionsView
                      view={workspace}
                      prepared={prepared}
                      filter={vs.regionFilter}
                      sort={vs.regionSort}
                      selected={selectedRegion}
                      scrollKey={scrollKey}
                      onFilter={(regionFilter, select) =>
                        update(select === undefined ? { regionFilter } : { regionFilter, region: regionHex(select) })
                      }
                      onSort={(regionSort) => update({ regionSort })}
                      onSelect={(i) => update({ region: regionHex(i) })}
                      onShowThread={showThread}
                      onShowMemory={followPointer}
                      exportText={engine.exportText}
                      touchedColumn={touchedColumn}
                    />
                  )}
                  {vs.view === 'totals' && (
                    <TotalsView
                      view={workspace}
                      touchedColumn={touchedColumn}
                      onPickKind={pickKind}
                      onPickImage={pickImage}
                      exportText={engine.exportText}
                    />
                  )}
                  {vs.view === 'threads' && (
                    <ThreadsView
                      view={workspace}
                      text={vs.threadText}
                      sort={vs.threadSort}
                      selectedTid={vs.thread}
                      scrollKey={scrollKey}
                      onText={(threadText) => update({ threadText })}
                      onSort={(threadSort) => update({ threadSort })}
                      onSelect={(thread) => update({ thread })}
                      onShowStack={showRegion}
                      onShowMemory={followPointer}
                      exportText={engine.exportText}
                      loadRegisters={engine.threadRegisters}
                      censusColumns={touchedColumn}
                      filter={threadFilter}
                      onFilter={setThreadFilter}
                    />
                  )}
                  {vs.view === 'search' && report !== undefined && (
                    <NeedsDump view={workspace} report={report} what="Search" viewKey="search" onGiveDump={giveDump} />
                  )}
                  {vs.view === 'memory' && report !== undefined && (
                    <NeedsDump view={workspace} report={report} what="Memory" viewKey="memory" onGiveDump={giveDump} />
                  )}
                  {vs.view === 'search' && report === undefined && (
                    <SearchView view={workspace} search={search} onShowHit={showText} />
                  )}
                  {vs.view === 'compare' && (
                    <CompareView
                      view={workspace}
                      compare={compare.state}
                      wanted={vs.compareWith}
                      onPick={() => pickOneFile(startCompare)}
                      onStop={stopCompare}
                      onLink={followCompareLink}
                    />
                  )}
                  {vs.view === 'memory' && report === undefined && (
                    <HexView
                      view={workspace}
                      prepared={prepared}
                      address={vs.memoryAt === undefined ? undefined : BigInt(vs.memoryAt)}
                      mode={vs.hexMode ?? 'pointers'}
                      highlight={vs.highlight}
                      onNavigate={followPointer}
                      onMode={(hexMode) =>
                        update({ hexMode, highlight: hexMode === 'bytes' ? vs.highlight : undefined })
                      }
                      readMemory={engine.readMemory}
                    />
                  )}
                </div>
              </StacksContext.Provider>
            </CensusContext.Provider>
          </main>
        )}
        {dragging && (
          <div className="drop-overlay" aria-hidden="true">
            <div className="drop-target">Drop the core dump to open it — it stays on this computer</div>
          </div>
        )}
      </StatusRoot>
    </TooltipProvider>
  );
}
