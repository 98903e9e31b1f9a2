import { basename } from './threads';
import type { FileMapping, RuntimeInfo } from '../types';

/**
 * Managed runtimes, recognised by the files they map, first match wins: .NET (libcoreclr.so), Java (libjvm.so),
 * Node.js (the `node` executable or libnode.so), Python (libpython3.X or a python3.X executable). The version
 * comes from the install path (…/Microsoft.NETCore.App/8.0.11/libcoreclr.so, …/.nvm/versions/node/v20.11.1/bin/node)
 * or a file name that carries it (python3.11); libnode's soname number is the Node.js ABI, mapped to a major version
 * only where that mapping is certain. Otherwise the version is left out: unknown, not guessed.
 */
export function detectRuntime(files: readonly FileMapping[]): RuntimeInfo | undefined {
  return dotnet(files) ?? java(files) ?? node(files) ?? python(files);
}

export function mapsCoreclr(files: readonly FileMapping[]): boolean {
  return files.some((f) => basename(f.path) === 'libcoreclr.so');
}

function dotnet(files: readonly FileMapping[]): RuntimeInfo | undefined {
  const f = files.find((m) => basename(m.path) === 'libcoreclr.so');
  if (f === undefined) return undefined;
  return withVersion('.NET', /\/Microsoft\.NETCore\.App\/([^/]+)\//.exec(f.path)?.[1], 'path', `maps ${f.path}`);
}

function java(files: readonly FileMapping[]): RuntimeInfo | undefined {
  const f = files.find((m) => basename(m.path) === 'libjvm.so');
  if (f === undefined) return undefined;
  const version = /\/(?:jvm|java)\/(?:java-|jdk-?|openjdk-?)?([0-9][^/]*?)(?:-openjdk[^/]*)?\//.exec(f.path)?.[1];
  return withVersion('Java (HotSpot)', version, 'path', `maps ${f.path}`);
}

/**
 * NODE_MODULE_VERSION (the number in libnode.so.N, as Debian and Ubuntu name it) → Node.js major version, for
 * the release lines whose ABI number is fixed; others (Ubuntu's libnode109 is a rebuilt Node 18) stay unknown.
 */
const NODE_ABI: Readonly<Record<string, string>> = {
  '72': '12',
  '83': '14',
  '93': '16',
  '108': '18',
  '115': '20',
  '120': '21',
  '127': '22',
};

function node(files: readonly FileMapping[]): RuntimeInfo | undefined {
  const exe = files.find((m) => /^node(?:js)?$/.test(basename(m.path)));
  const lib = files.find((m) => /^libnode\.so(?:\.\d+)*$/.test(basename(m.path)));
  const first = exe ?? lib;
  if (first === undefined) return undefined;
  const maps = `maps ${[exe, lib].flatMap((f) => (f === undefined ? [] : [f.path])).join(' and ')}`;
  for (const f of [exe, lib]) {
    const version =
      f === undefined ? undefined : /(?:^|[/-])node(?:js)?[-/]v?(\d+\.\d+\.\d+)(?=[-/_]|$)/.exec(f.path)?.[1];
    if (version !== undefined) return withVersion('Node.js', version, 'path', maps);
  }
  const abi = lib === undefined ? undefined : /\.so\.(\d+)$/.exec(lib.path)?.[1];
  const major = abi === undefined ? undefined : NODE_ABI[abi];
  if (abi !== undefined && major !== undefined)
    return withVersion('Node.js', major, 'abi', `${maps}; version ${major} from libnode's ABI number ${abi}`);
  return {
    name: 'Node.js',
    evidence: `${maps}; ${abi === undefined ? 'no version in the path' : `libnode's ABI number ${abi} stands for no single Node.js version`}`,
  };
}

function python(files: readonly FileMapping[]): RuntimeInfo | undefined {
  const lib = files.find((m) => /^libpython\d+\.\d+[a-z]*\.so/.test(basename(m.path)));
  const exe = files.find((m) => /^python\d*(?:\.\d+)?$/.test(basename(m.path)));
  const f = lib ?? exe;
  if (f === undefined) return undefined;
  const minor = /python(\d+\.\d+)/.exec(basename(f.path))?.[1];
  // pyenv, conda and the like install under a directory with the full version: prefer it when it agrees.
  const full = /\/(\d+\.\d+\.\d+)[^/]*\//.exec(f.path)?.[1];
  const version = full !== undefined && minor !== undefined && full.startsWith(`${minor}.`) ? full : minor;
  return withVersion('Python', version, 'path', `maps ${f.path}`);
}

function withVersion(name: string, version: string | undefined, from: 'path' | 'abi', evidence: string): RuntimeInfo {
  return version === undefined ? { name, evidence } : { name, version, versionFrom: from, evidence };
}
