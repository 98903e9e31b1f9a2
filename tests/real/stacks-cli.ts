/**
 * The CLI's stacks pass as the stack tests see it: whether the built CLI has it, running
 * `node bin/coreview.cjs CORE --stacks --json`, and the part of its JSON document those tests read.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/coreview.cjs', import.meta.url));

export interface JsonFrame {
  readonly pc: string;
  readonly trust: 'context' | 'cfi' | 'fp' | 'scan';
  readonly module?: string;
  readonly symbol?: string;
}

export interface JsonStackThread {
  readonly tid: number;
  readonly pc?: string;
  readonly frames?: readonly JsonFrame[];
  /** 'outermost' when the walk reached the first frame of the thread, else why it stopped. */
  readonly unwindStop?: string;
  readonly syscall?: { readonly nr: number; readonly name?: string };
}

export interface StacksDocument {
  readonly threads: readonly JsonStackThread[];
  readonly stackGroups?: readonly { readonly threads: readonly number[]; readonly frames: readonly JsonFrame[] }[];
  readonly regions: readonly { readonly start: string; readonly end: string; readonly perms: string }[];
}

/** The CLI has a stacks pass once its usage lists the option (checked once per test file). */
export function cliHasStacks(): boolean {
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 30_000 });
  return help.status === 0 && help.stdout.includes('--stacks');
}

export interface StacksRun {
  readonly doc?: StacksDocument;
  /** Why there is no document (exit status and stderr, or unparsable output), for the tests that read it. */
  readonly error?: string;
  readonly ms: number;
}

/** `node bin/coreview.cjs CORE --stacks --json [more]`; a failure is kept, not thrown, so each test reports it. */
export function runStacksJson(core: string, more: readonly string[] = []): StacksRun {
  const started = Date.now();
  const out = spawnSync(process.execPath, [CLI, core, '--stacks', '--json', ...more], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
  const ms = Date.now() - started;
  if (out.status !== 0) return { error: `coreview exited ${out.status}: ${out.stderr.trim()}`, ms };
  try {
    return { doc: JSON.parse(out.stdout) as StacksDocument, ms };
  } catch (error) {
    return { error: `coreview printed no JSON: ${String(error)}`, ms };
  }
}

/** The document, or the reason there is none as the test's failure. */
export function stacksDocument(run: StacksRun): StacksDocument {
  if (run.doc === undefined) throw new Error(run.error ?? 'coreview did not run');
  return run.doc;
}
