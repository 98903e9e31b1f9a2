import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';

/**
 * Standard output, written to fd 1 directly. Creating `process.stdout` (a stream over the pipe, file or TTY)
 * and pushing a document of a megabyte or more through it is time taken from a `coreview --json` whose target is
 * readelf's (the bench's header-pass rows).
 * A non-blocking pipe (EAGAIN) hands the rest to `process.stdout`, which waits for the reader; from then on
 * everything goes that way so the output stays in order.
 */
let viaStream = false;

function switchToStream(): void {
  viaStream = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`coreview: error: cannot write the output: ${e.message}\n`);
    process.exit(1);
  });
}

/**
 * True once output has gone through `process.stdout` (after an EAGAIN): its writes may still be queued, so the
 * process must end by draining the event loop, not by process.exit().
 */
export function outputQueued(): boolean {
  return viaStream;
}

export function writeOut(text: string): void {
  if (viaStream) {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(1, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // `coreview core | head` closes the pipe early: that is the reader's choice, not an error.
      if (code === 'EPIPE') process.exit(0);
      if (code !== 'EAGAIN') throw e;
      switchToStream();
      process.stdout.write(bytes.subarray(done));
      return;
    }
  }
}

const warned = new Set<string>();

/**
 * `coreview: warning: …` on stderr, each message once per run: the header pass's warnings are printed before any
 * mode runs, and a mode that meets the same fact again (a scan, a dump) does not repeat it.
 */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`coreview: warning: ${message}\n`);
}

/**
 * The terminal's width when standard output is one (tables fit it: long paths shortened), else undefined: piped
 * or redirected output keeps whole paths, for grep and scripts.
 */
export function terminalColumns(): number | undefined {
  if (!isatty(1)) return undefined;
  const columns = process.stdout.columns;
  return typeof columns === 'number' && columns > 0 ? columns : undefined;
}
