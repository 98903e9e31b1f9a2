/** What the dump says about the process: its identity, its signal, the runtime it hosts and its distribution. */

/**
 * Where a piece of OS evidence came from (scan/identify-os.ts), strongest first:
 *   os-release        PRETTY_NAME= with ID= and VERSION_ID= in the same text in memory (an os-release file's text)
 *   dotnet-rid        a .NET runtime identifier (`debian.12-x64`) with no other RID near it: the runtime's own
 *   pretty-name       a PRETTY_NAME= line without ID= and VERSION_ID= beside it
 *   library-paths     the layout of the mapped libraries (multiarch, lib64, musl's loader, the Nix store)
 *   library-versions  a version in a mapped library's name (glibc, libstdc++, OpenSSL, ICU): listed, never a release
 *   rid-graph         a RID inside a list of RIDs (the runtime's fallback graph): not evidence, listed as ignored
 */
export type OsSource = 'os-release' | 'dotnet-rid' | 'pretty-name' | 'library-paths' | 'library-versions' | 'rid-graph';

/** One piece of evidence about the OS, where it was found and what it says. */
export interface OsEvidence {
  readonly source: OsSource;
  /** What it says: a release ("CentOS Linux 7 (Core)"), a family ("Debian or Ubuntu"), a library version, … */
  readonly says: string;
  /** The text found: the bytes at `address` (a memory clue) or the mapped file's path. */
  readonly evidence: string;
  /** Why it ranks where it does ("ID= and VERSION_ID= in the same text", "no other RID within 256 bytes"). */
  readonly note?: string;
  /** Where in memory (memory clues). */
  readonly address?: bigint;
  /** Which mapped file (library evidence). */
  readonly mapping?: string;
}

/** The distribution: the strongest evidence's answer, and every piece of evidence ranked. */
export interface OsIdentification {
  readonly name: string;
  readonly source: OsSource;
  /** What was found (the strongest evidence's text). */
  readonly evidence: string;
  /** Where, for the hex view (memory clues only). */
  readonly address?: bigint;
  /** Every identification is a heuristic: shown as such. */
  readonly heuristic: 'identify-os';
  /** All the evidence, strongest first; the first entry is the one named above. */
  readonly ranked: readonly OsEvidence[];
}

/** A managed runtime the process hosts, from the files it maps (model/runtime.ts). */
export interface RuntimeInfo {
  readonly name: string;
  readonly version?: string;
  /**
   * Where the version comes from: the install path, a library's ABI number (a major version only), or memory (the
   * census read it: scan/runtime-clues.ts).
   */
  readonly versionFrom?: 'path' | 'abi' | 'memory';
  readonly evidence: string;
}

export interface ProcessInfo {
  pid?: number;
  ppid?: number;
  uid?: number;
  gid?: number;
  /** pr_fname (16 bytes at most, as the kernel truncates it). */
  name?: string;
  /** pr_psargs (80 bytes at most). */
  args?: string;
  state?: string;
  signal?: number;
  signalName?: string;
  signalCode?: number;
  signalErrno?: number;
  faultAddress?: bigint;
  /** A gcore snapshot of a live process (signalled.ts): not signalled, whatever NT_SIGINFO's SIGSTOP says. */
  snapshot?: boolean;
  executable?: string;
  runtime?: RuntimeInfo;
  /** The distribution, from library paths in the header pass; a memory scan may find better evidence. */
  os?: OsIdentification;
}
