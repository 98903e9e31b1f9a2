/**
 * /proc/PID/maps as captured by scripts/dumps/make-dump.mjs, and what each producer does with each mapping: the
 * ground truth the real-dump tests hold an analysis to.
 */
export interface Mapping {
  readonly start: bigint;
  /** Exclusive, as in /proc/PID/maps. */
  readonly end: bigint;
  /** "rwx" with dashes (the p/s column is `shared`). */
  readonly perms: string;
  readonly shared: boolean;
  readonly offset: bigint;
  readonly inode: number;
  /** File path, or a pseudo-name like "[stack]", or "" for anonymous memory. */
  readonly path: string;
  readonly line: string;
}

export type Producer = 'kernel' | 'gcore';

export function parseMaps(text: string): Mapping[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      // start-end perms offset dev inode [path (may contain spaces)]
      const m = /^([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-])([ps]) ([0-9a-f]+) \S+ (\d+)\s*(.*)$/.exec(line);
      if (m === null) throw new Error(`unparsable maps line: ${line}`);
      const [, start = '', end = '', perms = '', ps = '', offset = '', inode = '', path = ''] = m;
      return {
        start: BigInt(`0x${start}`),
        end: BigInt(`0x${end}`),
        perms,
        shared: ps === 's',
        offset: BigInt(`0x${offset}`),
        inode: Number(inode),
        path,
        line,
      };
    });
}

/**
 * Why `producer` may leave mapping `m` out of the core entirely (no PT_LOAD for it), or undefined when the core
 * must have it. Measured on Linux 6.18 (x86_64) and gdb 13.1; the "dump itself" test checks these rules against
 * readelf, so a kernel or gdb with another policy shows up there rather than as an engine bug.
 *
 * kernel: omits nothing. It writes one PT_LOAD per VMA, plus the gate VMA ([vsyscall], flags E, 4 KiB of
 *   content), and also [vvar]/[vvar_vclock] with their content (special mappings are always dumped). What
 *   coredump_filter (0x33) excludes still gets its PT_LOAD, with p_filesz 0 (or one page: the ELF header).
 * gcore: gdb reads /proc/PID/smaps and coredump_filter and leaves out, with no PT_LOAD at all:
 *   - [vvar], [vvar_vclock]: VmFlags "io" (gdb never dumps VM_IO) and "dd" (VM_DONTDUMP).
 *   - private file mappings with no copy-on-write pages ("Anonymous: 0 kB"): filter bit 2 (file-backed private)
 *     is off in 0x33. In practice the read-only ones past offset 0: text and .rodata of the executable and libc.
 *     Which ones exactly depends on gdb itself: attaching plants breakpoints in ld.so's text, which makes that
 *     mapping copy-on-write, so ld.so's r-x mapping IS dumped (in full). maps.txt, read before gdb attached,
 *     cannot tell, so any read-only private file mapping past offset 0 may be absent.
 *   Mappings at file offset 0 that start with an ELF header are kept (filter bit 4), in FULL: libc's whole first
 *   r-- mapping (152 KiB), where the kernel writes one page.
 *   It keeps [vsyscall] (as R E, 4 KiB; gdb warns it cannot read it) and writes PROT_NONE mappings in full.
 */
export function omittedBy(producer: Producer, m: Mapping): string | undefined {
  if (producer === 'kernel') return undefined;
  if (m.path.startsWith('[vvar')) return `gcore skips ${m.path}: VM_IO and VM_DONTDUMP`;
  // gdb takes "[heap]" for a file name rather than anonymous memory, so a [heap] piece without pages in memory (a
  // no-access hole never written, as threads.c --brk-holes makes) is left out like an unmodified file mapping.
  if (m.path === '[heap]' && m.perms === '---') return 'gcore skips [heap] pieces with no pages in memory';
  // Offset 0 of every file threads.c maps (the executable, libc, ld.so) is an ELF header, which gcore keeps
  // (filter bit 4); a non-ELF file mapped read-only at offset 0 would be skipped too, but the program maps none.
  if (m.inode !== 0 && !m.shared && m.perms[1] === '-' && m.offset !== 0n) {
    return 'gcore skips private file mappings without copy-on-write pages (coredump_filter bit 2 is off)';
  }
  return undefined;
}

/**
 * The permissions the core's p_flags can express for a mapping. The kernel copies them exactly. gdb's BFD sets
 * PF_R on every segment it writes: PROT_NONE guard pages and malloc-arena reservations come out as "r--" (with
 * their zero bytes written out in full), [vsyscall]'s "--x" as "r-x".
 */
export function permsInCore(producer: Producer, m: Mapping): readonly string[] {
  if (producer === 'kernel' || m.perms[0] === 'r') return [m.perms];
  // An engine may recognise gcore's fake PF_R (e.g. a guard page below a stack) and report the truth: allow both.
  return [`r${m.perms.slice(1)}`, m.perms];
}

export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}
