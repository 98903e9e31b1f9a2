/**
 * The findings: what the stacks pass and the census concluded about the process ("788 threads reserve 6.2 GiB of
 * stack", "most threads wait in the same place"), problems first. Each says what it saw, what to do (the advice,
 * often an environment variable to set, in a copyable code style) and its evidence as links to the rows it rests
 * on: threads open the thread table filtered to them, regions the region table, a stack group its threads, a
 * variable or a module the panel below that lists it.
 */
import { useId, type ReactNode } from 'react';
import type { Finding, FindingEvidence, FindingSeverity } from '../../core/types';
import type { StacksStatus } from '../../state/stacks-data';
import { CopyButton } from '../common/ExportButtons';
import '../stacks.css';

export interface FindingsPanelProps {
  readonly findings: readonly Finding[];
  /** The stacks pass's state: while 'running' the panel says findings are still coming. */
  readonly status: StacksStatus;
  /** A finding's threads: filter the thread table to them (`label` names the set). */
  readonly onShowThreads?: (tids: readonly number[], label: string) => void;
  /** A finding's regions (by start address): show them in the region table. */
  readonly onShowRegions?: (starts: readonly bigint[], label: string) => void;
  /** A stack group, by its index in StacksState.groups. */
  readonly onShowStackGroup?: (group: number, label: string) => void;
  readonly onShowEnvironment?: (name: string) => void;
  readonly onShowModule?: (path: string) => void;
}

const SEVERITY: Record<FindingSeverity, { readonly label: string; readonly icon: string; readonly rank: number }> = {
  problem: { label: 'Problem', icon: '✖', rank: 0 },
  warning: { label: 'Warning', icon: '▲', rank: 1 },
  info: { label: 'Note', icon: 'i', rank: 2 },
};

export function FindingsPanel(props: FindingsPanelProps): ReactNode {
  const titleId = useId();
  const { findings, status } = props;
  if (status === 'off' && findings.length === 0) return undefined;
  const ordered = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY[a.f.severity].rank - SEVERITY[b.f.severity].rank || a.i - b.i)
    .map(({ f }) => f);
  return (
    <section className="card findings" aria-labelledby={titleId}>
      <h2 id={titleId}>Findings{findings.length > 0 ? ` (${findings.length})` : ''}</h2>
      {status === 'running' && (
        <p className="muted" role="status">
          Walking the threads' stacks: more findings may come.
        </p>
      )}
      {findings.length === 0 && status !== 'running' && (
        <p className="muted">Nothing stands out{status === 'incomplete' ? ' (the stacks pass stopped early)' : ''}.</p>
      )}
      {ordered.length > 0 && (
        <ul className="finding-list">
          {ordered.map((f) => (
            <FindingItem key={f.id} finding={f} {...props} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FindingItem({ finding: f, ...links }: FindingsPanelProps & { readonly finding: Finding }): ReactNode {
  const s = SEVERITY[f.severity];
  return (
    <li className={`finding finding-${f.severity}`} data-finding={f.id}>
      <h3>
        <span className="finding-severity">
          <span className="finding-icon" aria-hidden="true">
            {s.icon}
          </span>
          {s.label}:
        </span>{' '}
        {f.title}
      </h3>
      <p className="finding-detail">{f.detail}</p>
      {f.advice !== undefined && (
        <p className="finding-advice">
          <span className="muted">Advice: </span>
          {f.advice}
        </p>
      )}
      {f.fix !== undefined && (
        <p className="finding-fix">
          <span className="muted">Set: </span>
          <code className="copyable">{f.fix}</code>{' '}
          <CopyButton label="Copy" getText={() => Promise.resolve(f.fix ?? '')} />
        </p>
      )}
      {f.evidence.length > 0 && (
        <ul className="finding-evidence" aria-label="Evidence">
          {f.evidence.map((e, i) => (
            <li key={i}>
              <Evidence evidence={e} {...links} />
            </li>
          ))}
        </ul>
      )}
      {f.needsCensus === true && <p className="muted">From the memory census (touched pages).</p>}
    </li>
  );
}

/** One piece of evidence: a link where the page has somewhere to show it, its text otherwise. */
function Evidence({
  evidence: e,
  ...links
}: Omit<FindingsPanelProps, 'findings' | 'status'> & {
  readonly evidence: FindingEvidence;
}): ReactNode {
  const link = (onClick: (() => void) | undefined, title: string): ReactNode =>
    onClick === undefined ? (
      e.text
    ) : (
      <button type="button" className="link" title={title} onClick={onClick}>
        {e.text}
      </button>
    );
  switch (e.kind) {
    case 'threads': {
      const show = links.onShowThreads;
      return link(
        show && (() => show(e.tids, e.text)),
        `Show ${e.tids.length === 1 ? 'this thread' : `these ${e.tids.length} threads`} in the thread table`,
      );
    }
    case 'regions': {
      const show = links.onShowRegions;
      return link(
        show && (() => show(e.starts, e.text)),
        `Show ${e.starts.length === 1 ? 'this region' : `these ${e.starts.length} regions`} in the region table`,
      );
    }
    case 'stack-group': {
      const show = links.onShowStackGroup;
      return link(show && (() => show(e.group, e.text)), "Show this stack group's threads");
    }
    case 'environment': {
      const show = links.onShowEnvironment;
      return link(show && (() => show(e.name)), `Show ${e.name} in the environment`);
    }
    case 'module': {
      const show = links.onShowModule;
      return link(show && (() => show(e.path)), 'Show this module in the module list');
    }
    case 'fact':
      return e.text;
  }
}
