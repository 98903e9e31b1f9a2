/**
 * Two reports' findings paired up (compare-document.ts CompareFindings). A finding's title carries its figures
 * ("50 threads in recv"), so titles cannot pair them: the rule's `id` does. Most rules report at most one finding
 * per dump; same-stack reports one per large stack group, so a finding is also paired by its subject — what its
 * first piece of evidence names: a stack group (by its frames' names, as compareGroups matches groups across
 * address layouts), a module, an environment variable. Counts of threads or regions are figures, not subjects.
 * What is left of a rule on both sides is paired in the reports' order, unless both subjects are known and
 * differ: 50 threads in recv() in A and 20 in poll() in B are two findings, not one that changed.
 */
import type { ReportDocument, ReportFinding } from '../format/report-document';
import type { FindingSeverity } from '../types';
import type { CompareFinding, CompareFindingChange, CompareFindings, CompareLink } from './compare-document';
import { groupSignature } from './stack-signature';

const SEVERITY_ORDER: Readonly<Record<FindingSeverity, number>> = { problem: 0, warning: 1, info: 2 };

interface Sided {
  readonly finding: ReportFinding;
  readonly subject: string | undefined;
}

export function compareFindings(docA: ReportDocument, docB: ReportDocument): CompareFindings | undefined {
  if (docA.findings === undefined || docB.findings === undefined) return undefined;
  const leftA = docA.findings.map((f): Sided => ({ finding: f, subject: findingSubject(docA, f) }));
  const leftB = docB.findings.map((f): Sided => ({ finding: f, subject: findingSubject(docB, f) }));
  const pairs: [ReportFinding, ReportFinding][] = [];
  /** Pairs each finding left in A with the first of B's left with its id that `accept`s it. */
  const take = (accept: (x: Sided, y: Sided) => boolean) => {
    let i = 0;
    while (i < leftA.length) {
      const x = leftA[i] as Sided;
      const j = leftB.findIndex((y) => y.finding.id === x.finding.id && accept(x, y));
      const y = leftB[j];
      if (y === undefined) {
        i++;
        continue;
      }
      pairs.push([x.finding, y.finding]);
      leftA.splice(i, 1);
      leftB.splice(j, 1);
    }
  };
  // The same subject first, wherever it sits in either list; then what is left, in order.
  take((x, y) => x.subject !== undefined && x.subject === y.subject);
  take((x, y) => x.subject === undefined || y.subject === undefined);

  const entry = (f: ReportFinding, link: CompareLink | undefined): CompareFinding => ({
    id: f.id,
    title: f.title,
    severity: f.severity,
    ...(link ? { link } : {}),
  });
  const changed: CompareFindingChange[] = [];
  const same: CompareFinding[] = [];
  for (const [x, y] of pairs) {
    const link = findingLink(docA, x);
    if (x.title === y.title && x.severity === y.severity) same.push(entry(x, link));
    else
      changed.push({
        id: x.id,
        a: { title: x.title, severity: x.severity },
        b: { title: y.title, severity: y.severity },
        ...(link ? { link } : {}),
      });
  }
  return {
    onlyA: ordered(
      leftA.map((x) => entry(x.finding, findingLink(docA, x.finding))),
      severityRank,
    ),
    onlyB: ordered(
      leftB.map((y) => entry(y.finding, undefined)),
      severityRank,
    ),
    changed: ordered(changed, changeRank),
    same: ordered(same, severityRank),
  };
}

/** Most severe first, then by rule; a rule's own findings keep their order (sort is stable). */
function ordered<T extends { readonly id: string }>(list: T[], rank: (x: T) => number): T[] {
  return list.sort((x, y) => rank(x) - rank(y) || x.id.localeCompare(y.id));
}

const severityRank = (f: CompareFinding) => SEVERITY_ORDER[f.severity];
/** A change ranks by the more severe of its two sides. */
const changeRank = (c: CompareFindingChange) => Math.min(SEVERITY_ORDER[c.a.severity], SEVERITY_ORDER[c.b.severity]);

/** What a finding is about beyond its rule, named so the other dump's finding about it names it the same way. */
function findingSubject(doc: ReportDocument, f: ReportFinding): string | undefined {
  const e = f.evidence[0];
  if (e === undefined) return undefined;
  switch (e.kind) {
    case 'stack-group': {
      const group = doc.stackGroups?.[e.group];
      return group === undefined ? undefined : `stack-group\n${groupSignature(group.frames)}`;
    }
    case 'module':
      return `module\n${e.path}`;
    case 'environment':
      return `environment\n${e.name}`;
    default:
      return undefined;
  }
}

/** A finding's rows in side A: the threads its evidence names (or its stack group's), else its module's regions. */
function findingLink(docA: ReportDocument, f: ReportFinding): CompareLink | undefined {
  for (const e of f.evidence) {
    if (e.kind === 'threads' && e.tids.length > 0) return { view: 'threads', tids: e.tids };
    const group = e.kind === 'stack-group' ? docA.stackGroups?.[e.group] : undefined;
    if (group !== undefined) return { view: 'threads', tids: group.threads };
  }
  for (const e of f.evidence) if (e.kind === 'module') return { view: 'regions', text: e.path };
  return undefined;
}
