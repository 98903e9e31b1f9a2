/**
 * What a machine needs before a real-dump test can make its dump: the tools on PATH, and a core_pattern that puts the
 * kernel's core in the crashing process's cwd. Each check answers with the one-line reason a skipped test shows.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Why `producer` cannot dump here (gdb missing, a core_pattern that sends cores elsewhere), or undefined. */
export function producerSkipReason(producer: 'kernel' | 'gcore' | 'createdump'): string | undefined {
  if (producer === 'gcore' && !hasCommand('gcore')) return 'gdb is not installed (it ships gcore)';
  if (producer === 'kernel') {
    // Not a missing tool but the same kind of machine limit: a piped core_pattern (systemd-coredump, apport)
    // never puts the core in the process's cwd, so there is nothing to check here.
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
    if (pattern.startsWith('|') || pattern.includes('/'))
      return `kernel.core_pattern is '${pattern}', not a file name in the cwd`;
  }
  return undefined;
}
