/**
 * zstd through zstddec's streaming build: the reference C decoder compiled to WebAssembly (module embedded in the
 * package, compiled on first use: in Node and in workers alike, never on the page's main thread). It measured
 * 2–4× the throughput of the pure-JavaScript fzstd on cores (see README, "Compressed dumps"), and it checks the
 * frames' content checksums.
 *
 * zstddec pulls its input from a synchronous iterable; our input is asynchronous. The driver keeps one chunk ready
 * before each step, so the decoder always finds input when it asks: it asks only after it has used the previous
 * chunk up, which happens inside a step.
 */
import { ZSTDDecoder } from 'zstddec/stream';
import { CorruptData } from './corrupt-data';

let ready: Promise<ZSTDDecoder> | undefined;

function decoder(): Promise<ZSTDDecoder> {
  ready ??= (async () => {
    const d = new ZSTDDecoder();
    await d.init();
    return d;
  })();
  return ready;
}

/**
 * On corrupt input the C decoder returns an error without consuming input or producing output, and zstddec calls
 * it again: this many steps in a row with no output mean it is stuck. A healthy step with input left always fills
 * or flushes some output.
 */
const STUCK_STEPS = 256;

export async function* decodeZstd(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const zstd = await decoder();
  const pending: Uint8Array[] = [];
  let ended = false;
  const source: Iterable<Uint8Array> = {
    [Symbol.iterator]: () => ({
      next: (): IteratorResult<Uint8Array> => {
        const value = pending.shift();
        if (value !== undefined) return { done: false, value };
        if (ended) return { done: true, value: undefined };
        // Not reachable: a chunk is queued before every step until the input ends.
        throw new Error('zstd input was not ready');
      },
    }),
  };
  const chunks = input[Symbol.asyncIterator]();
  const steps = zstd.decodeStreaming(source);
  let idle = 0;
  for (;;) {
    while (pending.length === 0 && !ended) {
      const next = await chunks.next();
      if (next.done === true) ended = true;
      else if (next.value.length > 0) pending.push(next.value);
    }
    let step: IteratorResult<Uint8Array>;
    try {
      step = steps.next();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new CorruptData(
        /incomplete/i.test(message) ? 'the data ends inside a frame: the file is cut short' : message,
      );
    }
    if (step.done === true) return;
    if (step.value.length === 0) {
      if (++idle >= STUCK_STEPS) throw new CorruptData('the decoder rejects the data here');
      continue;
    }
    idle = 0;
    yield step.value;
  }
}
