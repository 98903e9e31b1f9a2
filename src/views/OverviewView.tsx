/**
 * The first screen after a load: the findings (what stands out, with advice and links to the evidence), the process (name, arguments, pid, signal, fault address), the dump (arch,
 * producer and why we think so, the distribution, warnings), the runtime, and the headline of the totals — the one
 * number an analyst looks for first ("Stack 6.28 GiB of 7.34 GiB — 85 % — in 789 regions") with what the census
 * says of it ("6.28 GiB mapped · 6.28 GiB in dump · 12.4 MiB touched"), the environment the process started with
 * (values hidden until asked for) and the modules with where their symbols came from.
 */
import { useCallback, useState, type ReactNode } from 'react';
import type { AnalysisView, OsView } from '../../workers/engine-protocol';
import { osEvidenceLines } from '../core/format/os-evidence-text';
import { groupedBytes, humanSize } from '../core/format/size';
import { useCensusState } from './common/census-context';
import { HeuristicBadge } from './common/HeuristicBadge';
import { kindColor, kindTextColor } from './common/kind-colors';
import { KindUsage } from './common/KindUsage';
import { useReportReady } from './common/use-report-ready';
import { useStacksState } from './common/stacks-context';
import { EnvironmentPanel } from './overview/EnvironmentPanel';
import { FindingsPanel } from './overview/FindingsPanel';
import { ModulesPanel } from './overview/ModulesPanel';
import { HttpFetched, type Fetched } from './HttpFetched';

export interface OverviewViewProps {
  readonly view: AnalysisView;
  readonly onPickKind: (kind: string) => void;
  readonly onShowView: (view: 'regions' | 'threads' | 'totals') => void;
  /** Opens the byte view at a clue's text with its `length` bytes marked. */
  readonly onShowMemory?: (address: bigint, length: number) => void;
  /** A finding's threads (or stack group): show them in the thread table, filtered to these tids. */
  readonly onShowThreads?: (tids: readonly number[], label: string) => void;
  /** A finding's regions, by start address: show them in the region table. */
  readonly onShowRegions?: (starts: readonly bigint[], label: string) => void;
  /** Lets the user provide the modules' files (the app's "Add binaries…"). */
  readonly onAddBinaries?: () => void;
  /** For a dump read over HTTP: what has been fetched of it so far (the page asks the workers). */
  readonly fetchedOverHttp?: () => Promise<Fetched | undefined>;
}

/** Brings a panel of this page into view (jsdom has no scrolling). */
function scrollToPanel(id: string): void {
  const el = document.getElementById(id);
  if (el !== null && typeof el.scrollIntoView === 'function') el.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

const OS_SOURCES: Record<OsView['source'], string> = {
  'os-release': 'os-release text in memory',
  'dotnet-rid': 'a .NET runtime identifier in memory',
  'pretty-name': 'a PRETTY_NAME line in memory',
  'library-paths': 'the paths of the mapped libraries',
  'library-versions': 'versions in library names',
  'rid-graph': 'a list of .NET runtime identifiers',
};

/** The badge's tooltip: the heuristic, then every piece of evidence strongest first, as the CLI prints it. */
function osTooltip(os: OsView): string {
  return [
    `Heuristic identify-os, from ${OS_SOURCES[os.source]}: ${os.evidence}`,
    'Evidence, strongest first:',
    ...osEvidenceLines(os.ranked),
  ].join('\n');
}

/** The distribution, said to be a guess, with where it was found and a link to that memory. */
function OsFact({
  os,
  onShowMemory,
}: {
  readonly os: OsView | undefined;
  readonly onShowMemory?: (address: bigint, length: number) => void;
}): ReactNode {
  const census = useCensusState();
  const pending = census?.status === 'running' ? ' The memory census is looking for better evidence…' : '';
  if (os === undefined)
    return (
      <span className="muted">
        unknown{pending === '' ? ' (no os-release text, .NET RID or telling library path found)' : ` —${pending}`}
      </span>
    );
  const address = os.address;
  return (
    <span data-testid="os-fact">
      {os.name} <HeuristicBadge text={osTooltip(os)} />
      <span className="muted">
        {' '}
        — a guess from {OS_SOURCES[os.source]}: <span className="mono wrap">{os.evidence}</span>
        {address !== undefined && ' at '}
      </span>
      {address !== undefined &&
        (onShowMemory === undefined ? (
          <span className="mono">{address}</span>
        ) : (
          <button
            type="button"
            className="link mono"
            onClick={() => onShowMemory(BigInt(address), os.evidence.length)}
            title="Show this memory in the hex view"
          >
            {address}
          </button>
        ))}
      {pending !== '' && <span className="muted">.{pending}</span>}
    </span>
  );
}

function Fact({ label, children }: { readonly label: string; readonly children: ReactNode }): ReactNode {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function OverviewView({
  view,
  onPickKind,
  onShowView,
  onShowMemory,
  onShowThreads,
  onShowRegions,
  onAddBinaries,
  fetchedOverHttp,
}: OverviewViewProps): ReactNode {
  const { process: p, dump: d, modules } = view.overview;
  const census = useCensusState();
  const stacks = useStacksState();
  const [envFilter, setEnvFilter] = useState('');
  const [moduleMark, setModuleMark] = useState<string>();
  const groups = stacks?.groups;
  const showGroup = useCallback(
    (group: number, label: string) => {
      const g = groups?.[group];
      if (g !== undefined && onShowThreads !== undefined) onShowThreads(g.threads, label);
    },
    [groups, onShowThreads],
  );
  const showEnvironment = useCallback((name: string) => {
    setEnvFilter(name);
    scrollToPanel('environment-panel');
  }, []);
  const showModule = useCallback((path: string) => {
    setModuleMark(path);
    scrollToPanel('modules-panel');
  }, []);
  const runtime = census?.runtime ?? p.runtime;
  const totals = view.totals;
  const all = totals.reduce((a, t) => a + t.size, 0);
  const top = totals[0];
  useReportReady(`${view.id}:overview`);
  return (
    <div className="view overview-view">
      {stacks !== undefined && (
        <FindingsPanel
          findings={stacks.findings}
          status={stacks.status}
          onShowThreads={onShowThreads}
          onShowRegions={onShowRegions}
          onShowStackGroup={onShowThreads === undefined ? undefined : showGroup}
          onShowEnvironment={stacks.environment === undefined ? undefined : showEnvironment}
          onShowModule={showModule}
        />
      )}
      {top !== undefined && (
        <section className="headline" aria-label="Where the memory is">
          <p data-testid="headline">
            <strong>{top.kind}</strong> {humanSize(top.size)} of {humanSize(all)} — {Math.round(top.percent)} % — in{' '}
            {groupedBytes(top.count)} region
            {top.count === 1 ? '' : 's'}
            {top.heuristic && (
              <HeuristicBadge
                text={`Some ${top.kind} regions are classified by a heuristic; see the region table for the evidence.`}
              />
            )}
          </p>
          <p className="usage-line">
            <KindUsage total={top} index={0} testId="headline-usage" />
          </p>
          <div className="share-bar" role="group" aria-label="Virtual size by memory kind">
            {totals
              .filter((t) => t.percent >= 0.5)
              .map((t) => (
                <button
                  key={t.kind}
                  type="button"
                  className="share"
                  style={{ flexGrow: t.size, background: kindColor(t.kind), color: kindTextColor(t.kind) }}
                  title={`${t.kind}: ${humanSize(t.size)} (${t.percent.toFixed(1)} %) — show these regions`}
                  aria-label={`${t.kind} ${humanSize(t.size)}, ${t.percent.toFixed(1)} percent`}
                  onClick={() => onPickKind(t.kind)}
                >
                  {t.percent >= 8 ? t.kind : ''}
                </button>
              ))}
          </div>
        </section>
      )}
      <div className="cards">
        <section className="card" aria-labelledby="process-title">
          <h2 id="process-title">Process</h2>
          <dl>
            <Fact label="Name">{p.name ?? <span className="muted">not recorded</span>}</Fact>
            {p.args !== undefined && p.args !== '' && (
              <Fact label="Arguments">
                <span className="mono wrap">{p.args}</span>
              </Fact>
            )}
            {p.executable !== undefined && (
              <Fact label="Executable">
                <span className="path">{p.executable}</span>
              </Fact>
            )}
            <Fact label="PID">
              {p.pid ?? '?'}
              {p.ppid !== undefined && <span className="muted"> (parent {p.ppid})</span>}
            </Fact>
            {p.uid !== undefined && <Fact label="UID">{p.uid}</Fact>}
            <Fact label="Signal">
              {p.snapshot === true ? (
                <span
                  title={
                    p.signalName !== undefined
                      ? `gdb's gcore wrote ${p.signalName}: its own stop, not a signal the process received`
                      : undefined
                  }
                >
                  snapshot (gcore), not signalled
                </span>
              ) : p.signal === undefined ? (
                <span className="muted">none (a live snapshot, e.g. gcore)</span>
              ) : (
                <>
                  {p.signalName ?? `signal ${p.signal}`}
                  {p.signalCode !== undefined && <span className="muted"> (code {p.signalCode})</span>}
                </>
              )}
            </Fact>
            {p.faultAddress !== undefined && (
              <Fact label="Fault address">
                <span className="mono">{p.faultAddress}</span>
              </Fact>
            )}
            {runtime !== undefined && (
              <Fact label="Runtime">
                {runtime.name} {runtime.version ?? <span className="muted">version unknown</span>}{' '}
                <span className="muted">({runtime.evidence})</span>
              </Fact>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="dump-title">
          <h2 id="dump-title">Dump</h2>
          <dl>
            <Fact label="File">
              <span className="path">{view.report?.dumpName ?? view.fileName}</span>{' '}
              <span className="muted">({humanSize(d.size)})</span>
            </Fact>
            {view.report !== undefined && (
              <Fact label="Report">
                <span className="path">{view.fileName}</span>{' '}
                <span className="muted">— saved from the dump: its tables, not its memory</span>
              </Fact>
            )}
            <Fact label="Machine">
              {d.arch}, {d.bits}-bit, {d.endian}-endian, {d.os}
            </Fact>
            <Fact label="Distribution">
              <OsFact os={census?.os ?? p.os} onShowMemory={onShowMemory} />
            </Fact>
            <Fact label="Written by">
              {d.producer.name} <span className="muted">— {d.producer.evidence}</span>
            </Fact>
            <Fact label="Contents">
              <button type="button" className="link" onClick={() => onShowView('regions')}>
                {groupedBytes(view.regions.count)} regions
              </button>
              {' · '}
              <button type="button" className="link" onClick={() => onShowView('threads')}>
                {groupedBytes(view.threads.length)} threads
              </button>
              {' · '}
              {modules.length} modules · {d.notes} notes · {d.programHeaders} program headers
            </Fact>
            <Fact label="Read">
              {humanSize(d.bytesRead)} of headers and notes
              {view.report === undefined ? ` in ${view.analyzeMs.toFixed(0)} ms` : ' when the report was made'}{' '}
              <span className="muted">(the header pass never reads the memory itself)</span>
            </Fact>
            {fetchedOverHttp !== undefined && (
              <Fact label="Fetched">
                <HttpFetched fetched={fetchedOverHttp} />
              </Fact>
            )}
          </dl>
        </section>
      </div>
      <section className="card" aria-labelledby="warnings-title">
        <h2 id="warnings-title">Warnings</h2>
        {d.warnings.length === 0 ? (
          <p className="muted">None: the dump is complete and every note parsed.</p>
        ) : (
          <ul className="warnings">
            {d.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        )}
      </section>
      {stacks?.environment !== undefined && (
        <EnvironmentPanel environment={stacks.environment} filter={envFilter} onFilter={setEnvFilter} />
      )}
      {view.report !== undefined && (
        <section className="card" aria-labelledby="environment-title" data-testid="report-environment">
          <h2 id="environment-title">Environment</h2>
          <p className="muted">
            Not in reports: environment values often hold passwords and tokens, and a report is made to be shared. A
            setting that bears on a finding is quoted in it; open the dump ({view.report.dumpName}) to see the rest.
          </p>
        </section>
      )}
      <ModulesPanel
        modules={modules}
        symbols={stacks?.modules}
        onAddBinaries={onAddBinaries}
        highlight={moduleMark}
        warnings={stacks?.warnings}
      />
    </div>
  );
}
