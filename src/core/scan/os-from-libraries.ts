/**
 * What the mapped files' paths say about the OS, from the header pass alone: the library layout names a family of
 * distributions (never a release), and versions in library names are listed for the reader to weigh.
 */
import type { FileMapping, OsEvidence } from '../types';

const MULTIARCH =
  /^(?:\/usr)?\/lib\/(?:x86_64|aarch64|arm|i386|powerpc64le|s390x|riscv64|mips64el)-linux-gnu[a-z0-9]*\//;

/** Layout rules, most telling first: a Nix store or musl's loader says more than the directory names. */
const LAYOUTS: readonly { readonly pattern: RegExp; readonly says: string; readonly preferred?: RegExp }[] = [
  { pattern: /^\/nix\/store\//, says: 'NixOS or Nix (libraries from /nix/store)' },
  { pattern: /\/ld-musl-[^/]+\.so/, says: 'Alpine or another musl-based Linux (musl loader)' },
  { pattern: MULTIARCH, says: 'Debian or Ubuntu', preferred: /\/(?:libc\.so|ld-linux)[^/]*$/ },
  { pattern: /^\/(?:usr\/)?lib64\/(?:libc\.so|libc-[\d.]+\.so|ld-)/, says: 'RHEL, Fedora, SUSE or Amazon Linux' },
];

/** Library layouts the mapped paths show, one entry per layout, citing libc or the loader where it can. */
export function layoutEvidence(files: readonly FileMapping[]): OsEvidence[] {
  const paths = [...new Set(files.map((f) => f.path))];
  const found: OsEvidence[] = [];
  for (const { pattern, says, preferred } of LAYOUTS) {
    const matching = paths.filter((p) => pattern.test(p));
    const path = matching.find((p) => preferred?.test(p) === true) ?? matching[0];
    if (path !== undefined)
      found.push({ source: 'library-paths', says, evidence: path, note: layoutNote(says), mapping: path });
  }
  return found;
}

function layoutNote(says: string): string {
  if (says === 'Debian or Ubuntu') return 'multiarch library directory; names no release';
  if (says.startsWith('RHEL')) return 'lib64 library directory (RPM-based distributions); names no release';
  return 'names no release';
}

/** Library names that carry a version: listed as evidence, never mapped to a distribution release. */
const VERSIONED: readonly { readonly pattern: RegExp; readonly says: (v: string) => string }[] = [
  { pattern: /^(?:ld|libc)-(\d+\.\d+)\.so$/, says: (v) => `glibc ${v}` },
  { pattern: /^libstdc\+\+\.so\.(\d+\.\d+\.\d+)$/, says: (v) => `libstdc++ ${v}` },
  { pattern: /^lib(?:ssl|crypto)\.so\.(\d+(?:\.\d+)*[a-z]?)$/, says: (v) => `OpenSSL ${v}` },
  { pattern: /^libicuuc\.so\.(\d+(?:\.\d+)*)$/, says: (v) => `ICU ${v}` },
];

export function libraryVersionEvidence(files: readonly FileMapping[]): OsEvidence[] {
  const found: OsEvidence[] = [];
  for (const { pattern, says } of VERSIONED) {
    for (const f of files) {
      const version = pattern.exec(f.path.slice(f.path.lastIndexOf('/') + 1))?.[1];
      if (version === undefined) continue;
      found.push({
        source: 'library-versions',
        says: says(version),
        evidence: f.path,
        note: 'a library version; not mapped to a release',
        mapping: f.path,
      });
      break;
    }
  }
  return found;
}
