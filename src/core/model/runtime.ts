import { basename } from './threads';
import type { FileMapping, ProcessInfo } from './types';

type Runtime = NonNullable<ProcessInfo['runtime']>;

/**
 * Managed runtimes, recognised by the libraries they map. The version comes from the install path
 * (…/Microsoft.NETCore.App/8.0.11/libcoreclr.so; …/jvm/java-17-openjdk-amd64/lib/server/libjvm.so).
 */
export function detectRuntime(files: readonly FileMapping[]): Runtime | undefined {
  for (const f of files) {
    const name = basename(f.path);
    if (name === 'libcoreclr.so') {
      const version = /\/Microsoft\.NETCore\.App\/([^/]+)\//.exec(f.path)?.[1];
      return { name: '.NET', ...(version !== undefined ? { version } : {}), evidence: `maps ${f.path}` };
    }
  }
  for (const f of files) {
    if (basename(f.path) === 'libjvm.so') {
      const version = /\/(?:jvm|java)\/(?:java-|jdk-?|openjdk-?)?([0-9][^/]*?)(?:-openjdk[^/]*)?\//.exec(f.path)?.[1];
      return { name: 'Java (HotSpot)', ...(version !== undefined ? { version } : {}), evidence: `maps ${f.path}` };
    }
  }
  return undefined;
}

export function mapsCoreclr(files: readonly FileMapping[]): boolean {
  return files.some((f) => basename(f.path) === 'libcoreclr.so');
}
