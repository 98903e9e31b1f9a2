/**
 * Which runtime's settings a finding's advice is written for. The header pass names .NET, Java, Node.js and
 * Python by the files they map (model/runtime.ts); a Go program maps nothing of its own (it is one static
 * executable), so Go is recognised by its runtime's functions in the threads' frames. Anything else is treated
 * as a C/C++ program on glibc.
 */
import type { Analysis, ThreadStack } from '../../types';

export type RuntimeKind = 'dotnet' | 'java' | 'node' | 'python' | 'go' | 'native';

/** Functions only Go's runtime has, on the stacks of its OS threads. */
const GO_RUNTIME =
  /^runtime\.(?:mstart|mstart1|goexit|rt0_go|schedule|findRunnable|findrunnable|mcall|futex|notesleep)$/;

export function runtimeKind(analysis: Analysis, stacks?: readonly ThreadStack[]): RuntimeKind {
  const name = analysis.process.runtime?.name;
  if (name === '.NET') return 'dotnet';
  if (name?.startsWith('Java') === true) return 'java';
  if (name === 'Node.js') return 'node';
  if (name === 'Python') return 'python';
  const go = stacks?.some((s) => s.frames.some((f) => f.symbol !== undefined && GO_RUNTIME.test(f.symbol)));
  return go === true ? 'go' : 'native';
}

/**
 * The prefixes of .NET's environment settings for the runtime's version: COMPlus_ before .NET 6, DOTNET_ from
 * .NET 6 on (which still reads COMPlus_); both when the version is unknown.
 */
/**
 * Whether the runtime reads DefaultStackSize at all: .NET Core 2.1 added it (dotnet/coreclr#13517, after 2.0
 * shipped), and a real .NET Core 2.0.0 process started with COMPlus_DefaultStackSize=180000 kept 8 MiB stacks
 * (tests/real/runtime-stacks.test.ts). Undefined when the version is unknown.
 */
export function dotnetReadsDefaultStackSize(version: string | undefined): boolean | undefined {
  const m = version === undefined ? undefined : /^(\d+)\.(\d+)/.exec(version);
  if (m === null || m === undefined) return undefined;
  const major = Number(m[1]);
  return major > 2 || (major === 2 && Number(m[2]) >= 1);
}

export function dotnetPrefixes(version: string | undefined): readonly ('DOTNET_' | 'COMPlus_')[] {
  const major = version === undefined ? undefined : /^(\d+)\./.exec(version)?.[1];
  if (major === undefined) return ['DOTNET_', 'COMPlus_'];
  return Number(major) >= 6 ? ['DOTNET_'] : ['COMPlus_'];
}
