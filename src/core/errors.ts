/**
 * Expected failures: input that is not a readable core. They carry a one-line, user-facing explanation and are
 * shown as such (CLI: `coreview: error: <message>`, exit 2; web: a message in the page). Anything else thrown by
 * the engine is a bug.
 */
export type DumpErrorCode =
  'empty' | 'too-small' | 'gzip' | 'minidump' | 'not-elf' | 'not-core' | 'bad-header' | 'unreadable';

export class DumpError extends Error {
  constructor(
    readonly code: DumpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DumpError';
  }
}

export function isDumpError(e: unknown): e is DumpError {
  return (
    e instanceof DumpError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'DumpError')
  );
}
