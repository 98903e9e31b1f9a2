/** Errors the browser raises when it cannot read a File (moved, deleted, permissions, a directory). */
const READ_ERRORS: ReadonlySet<string> = new Set([
  'NotReadableError',
  'NotFoundError',
  'SecurityError',
  'NotAllowedError',
]);

/** The `name` of an error-like value (a DOMException, an Error), if it has a string one. */
export function errorName(e: unknown): string | undefined {
  const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** The browser could not read the file: bad luck with the file, not a bug in the engine. */
export function isReadError(e: unknown): boolean {
  const name = errorName(e);
  return name !== undefined && READ_ERRORS.has(name);
}
