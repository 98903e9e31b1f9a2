import { osEvidenceLines } from './os-evidence-text';
import type { ReportDocument, ReportProcess } from './report-document';
import { groupedBytes } from './size';

/**
 * A few lines about the process and the dump, printed above the tables. The OS and runtime are the document's:
 * after a census, what its memory evidence makes of them.
 */
export function overviewText(doc: ReportDocument): string {
  const p = doc.process;
  const d = doc.dump;
  const lines = [
    `Process:  ${p.name ?? '?'} (pid ${p.pid ?? '?'})${p.args ? `  ${p.args}` : ''}`,
    `Signal:   ${signalLine(p)}`,
    `Dump:     ${d.arch}, ${d.bits}-bit ${d.endian}-endian ${d.os}, ${groupedBytes(d.size)} bytes, written by ${d.producer} (${d.producerEvidence})`,
    `Contents: ${doc.regions.length} regions, ${doc.threads.length} threads, ${doc.modules.length} modules`,
  ];
  const os = p.os;
  if (os !== undefined) {
    lines.push(
      `OS:       ${os.name} (heuristic ${os.source}: ${os.evidence}${os.address !== undefined ? ` at ${os.address}` : ''})`,
    );
    if (os.ranked.length > 1)
      lines.push('          evidence, strongest first:', ...osEvidenceLines(os.ranked).map((l) => `            ${l}`));
  }
  const runtime = p.runtime;
  if (runtime !== undefined)
    lines.push(`Runtime:  ${runtime.name} ${runtime.version ?? '(version unknown)'} (${runtime.evidence})`);
  return lines.join('\n');
}

/** A gcore snapshot of a live process was not signalled: its SIGSTOP is gdb's attach, not a cause of death. */
function signalLine(p: ReportProcess): string {
  if (p.snapshot === true) return 'snapshot (gcore), not signalled';
  if (p.signal === 0) return 'none';
  return `${p.signalName ?? p.signal}${p.faultAddress !== undefined ? ` at ${p.faultAddress}` : ''}`;
}
