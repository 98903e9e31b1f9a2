import type { CollectedNotes } from '../notes/collect-notes';
import type { Producer } from './types';

export interface ProducerClues {
  readonly notes: CollectedNotes;
  /** e_shnum as written (resolved through section header 0). */
  readonly sectionHeaders: number;
  readonly extendedNumbering: boolean;
  readonly diagInfo: boolean;
  readonly os: string;
}

/**
 * Which program wrote the core, from the traces each writer leaves. Each rule names its evidence; the first that
 * matches wins, most specific first.
 */
export function detectProducer(c: ProducerClues): Producer {
  const { notes } = c;
  if (c.diagInfo) return { name: 'createdump', evidence: 'the DIAGINFOHEADER page createdump adds at 0x7ffffff10000' };
  if (notes.owners.has('VMCOREINFO')) return { name: 'kernel crash dump (vmcore)', evidence: 'a VMCOREINFO note' };
  if (c.os !== 'Linux') return { name: `${c.os} kernel`, evidence: `${c.os} core notes` };
  if (notes.owners.has('GDB')) return { name: 'gdb gcore', evidence: 'a GDB-owned note (NT_GDB_TDESC)' };
  // The kernel writes no section headers (one only for PN_XNUM); BFD, which gcore uses, writes note0/load sections.
  if (c.sectionHeaders > 1 || (c.sectionHeaders === 1 && !c.extendedNumbering)) {
    return { name: 'gdb gcore', evidence: `${c.sectionHeaders} section headers: BFD writes them, the kernel does not` };
  }
  const allQuiet = notes.threads.length > 0 && notes.threads.every((t) => t.signal === 0);
  if (notes.siginfoCount > 1 && notes.siginfoCount === notes.threads.length) {
    return { name: 'gdb gcore', evidence: `one NT_SIGINFO per thread (${notes.siginfoCount}): gdb writes one per thread, the kernel one` };
  }
  const firstCore = notes.list.find((n) => n.name === 'CORE');
  if (firstCore?.type === 1 && notes.list.some((n) => n.name === 'CORE' && n.type === 3)) {
    return {
      name: 'kernel',
      evidence: `notes start with the signalled thread's NT_PRSTATUS before NT_PRPSINFO, in the kernel's order${allQuiet ? '' : `; pr_cursig ${notes.threads[0]?.signal}`}`,
    };
  }
  if (firstCore?.type === 3 && allQuiet) {
    return { name: 'gdb gcore', evidence: 'NT_PRPSINFO before the threads and pr_cursig 0 in every thread, as gdb writes them' };
  }
  return { name: 'unknown', evidence: 'no writer-specific trace found' };
}
