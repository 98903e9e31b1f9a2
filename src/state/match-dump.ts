/**
 * Whether a dump given to a report's page is the one the report was made from: the same size and, where the
 * report has one (older reports do not), the same fingerprint. A compressed file's decoded size is not known until
 * it is decoded whole, so it is matched by its fingerprint alone — and cannot be matched to an older report.
 * The answer names what differs.
 */
import { groupedBytes } from '../core/format/size';
import type { DumpIdentity, ReportContents } from '../../workers/engine-protocol';

const NOT_IT = 'is not the dump this report was made from';

/** undefined when `given` matches the report; else why not, in a sentence. */
export function dumpMismatch(report: ReportContents, given: DumpIdentity, fileName: string): string | undefined {
  if (!given.ok) return `${fileName} cannot be read as a core dump: ${given.message}`;
  if ('compression' in given) {
    if (report.fingerprint === undefined)
      return `${fileName} is compressed and this report is from an older coreview, without a fingerprint: it can be matched only by size, so give the decompressed core`;
    if (given.fingerprint !== report.fingerprint)
      return `${fileName} ${NOT_IT}: its header's fingerprint, decompressed, differs (${given.fingerprint.slice(0, 12)}…, the report's ${report.fingerprint.slice(0, 12)}…)`;
    return undefined;
  }
  if (given.size !== report.dumpSize)
    return `${fileName} ${NOT_IT}: its size differs (${groupedBytes(given.size)} bytes; the report's ${report.dumpName} has ${groupedBytes(report.dumpSize)})`;
  if (report.fingerprint !== undefined && given.fingerprint !== report.fingerprint)
    return `${fileName} ${NOT_IT}: its size is the same but its header's fingerprint differs (${given.fingerprint.slice(0, 12)}…, the report's ${report.fingerprint.slice(0, 12)}…)`;
  return undefined;
}
