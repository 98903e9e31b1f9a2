import type { CollectedNotes } from '../notes/collect-notes';
import type { Producer } from '../types';

export interface ProducerClues {
  readonly notes: CollectedNotes;
  /** e_shnum as written (resolved through section header 0). */
  readonly sectionHeaders: number;
  readonly extendedNumbering: boolean;
  readonly diagInfo: boolean;
  readonly os: string;
  /** Where the section header table starts (e_shoff), and what section header 0 says when it was read. */
  readonly sectionTable?: {
    readonly offset: number;
    /** e_shnum exactly as written (0 when the count is deferred to section header 0). */
    readonly rawCount: number;
    /** sh_info of section header 0. */
    readonly info?: number;
  };
  /** e_ehsize for the class (64 or 52): where createdump puts its section header. */
  readonly elfHeaderSize?: number;
  /** The real program header count. */
  readonly programHeaders?: number;
}

/**
 * Which program wrote the core, from the traces each writer leaves. Each rule names its evidence; the first that
 * matches wins, most specific first.
 *
 * Section headers tell three writers apart: the kernel writes none, or one at the end of the file when it needs
 * PN_XNUM; createdump writes one right after the ELF header with sh_info = the program-header count (older
 * versions always, with e_shnum 0; current ones only for PN_XNUM, with e_shnum 1); BFD, which gdb's gcore uses,
 * writes one per segment (note0, load, …) at the end of the file.
 */
export function detectProducer(c: ProducerClues): Producer {
  const { notes } = c;
  if (c.diagInfo) return { name: 'createdump', evidence: 'the DIAGINFOHEADER page createdump adds at 0x7ffffff10000' };
  if (notes.owners.has('VMCOREINFO')) return { name: 'kernel crash dump (vmcore)', evidence: 'a VMCOREINFO note' };
  if (c.os !== 'Linux') return { name: `${c.os} kernel`, evidence: `${c.os} core notes` };
  if (notes.owners.has('GDB')) return { name: 'gdb gcore', evidence: 'a GDB-owned note (NT_GDB_TDESC)' };
  const createdump = createdumpSection(c);
  if (createdump !== undefined) return { name: 'createdump', evidence: createdump };
  if (c.sectionHeaders > 1 || (c.sectionHeaders === 1 && !c.extendedNumbering)) {
    return { name: 'gdb gcore', evidence: `${c.sectionHeaders} section headers: BFD writes them, the kernel does not` };
  }
  const allQuiet = notes.threads.length > 0 && notes.threads.every((t) => t.signal === 0);
  if (notes.siginfoCount > 1 && notes.siginfoCount === notes.threads.length) {
    return {
      name: 'gdb gcore',
      evidence: `one NT_SIGINFO per thread (${notes.siginfoCount}): gdb writes one per thread, the kernel one`,
    };
  }
  const firstCore = notes.list.find((n) => n.name === 'CORE');
  if (firstCore?.type === 1 && notes.list.some((n) => n.name === 'CORE' && n.type === 3)) {
    return {
      name: 'kernel',
      evidence: `notes start with the signalled thread's NT_PRSTATUS before NT_PRPSINFO, in the kernel's order${allQuiet ? '' : `; pr_cursig ${notes.threads[0]?.signal}`}`,
    };
  }
  if (firstCore?.type === 3 && allQuiet) {
    return {
      name: 'gdb gcore',
      evidence: 'NT_PRPSINFO before the threads and pr_cursig 0 in every thread, as gdb writes them',
    };
  }
  return { name: 'unknown', evidence: 'no writer-specific trace found' };
}

/** createdump's lone section header right after the ELF header, described; undefined when the core has none. */
function createdumpSection(c: ProducerClues): string | undefined {
  const table = c.sectionTable;
  if (table === undefined || c.elfHeaderSize === undefined || c.programHeaders === undefined) return undefined;
  if (table.offset !== c.elfHeaderSize || table.info !== c.programHeaders || c.sectionHeaders > 1) return undefined;
  const count = table.rawCount === 0 ? 'e_shnum 0' : `e_shnum ${table.rawCount}`;
  if (table.rawCount === 0 && !c.extendedNumbering) {
    return `one section header at offset ${table.offset}, right after the ELF header, with ${count} and sh_info ${table.info} (the program-header count): older createdump writes it so`;
  }
  if (c.extendedNumbering) {
    return `PN_XNUM's section header at offset ${table.offset}, right after the ELF header (${count}, sh_info ${table.info}): createdump puts it there, the kernel at the end of the file`;
  }
  return undefined;
}
