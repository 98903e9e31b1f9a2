/**
 * The sample dump: a same-origin .gz fetched and gunzipped with DecompressionStream, in a worker so the main
 * thread only renders. The result is a File built from the decompressed chunks: the browser keeps a Blob's bytes
 * outside the JS heap (and may page a large one to disk), so the page can hold it like a dropped file.
 */
import type { FetchResult, LoadProgress } from './engine-protocol';

/** Progress callbacks cross a postMessage each: at most one per this many milliseconds. */
const PROGRESS_INTERVAL_MS = 100;

export async function fetchGzip(
  url: string,
  name: string,
  onProgress?: (p: LoadProgress) => void,
): Promise<FetchResult> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    return {
      ok: false,
      failure: {
        kind: 'fetch',
        message: `could not fetch ${name}: ${e instanceof Error ? e.message : String(e)} (offline before the first use?)`,
      },
    };
  }
  if (!response.ok || response.body === null) {
    return { ok: false, failure: { kind: 'fetch', message: `could not fetch ${name}: HTTP ${response.status}` } };
  }
  // A server that labels the .gz `Content-Encoding: gzip` (Vite's dev server does) has the browser gunzip it
  // already: then the body is the core itself. With any Content-Encoding, Content-Length is the encoded size, not
  // the body's, so it gives no fraction (the bytes produced are still reported).
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
  const decoded = encoding?.includes('gzip') === true;
  const length = Number(response.headers.get('content-length') ?? '');
  const totalBytes =
    (encoding === undefined || encoding === '' || encoding === 'identity') && Number.isFinite(length) && length > 0
      ? length
      : undefined;
  let compressed = 0;
  // Count compressed bytes on the way in (the only size known in advance), decompressed ones on the way out.
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      compressed += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const chunks: Uint8Array[] = [];
  let lastReport = 0;
  let produced = 0;
  try {
    // TS's DOM lib types DecompressionStream's writable side as BufferSource, which Uint8Array chunks are.
    const gunzip = new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
    const counted = response.body.pipeThrough(counter);
    const reader = (decoded ? counted : counted.pipeThrough(gunzip)).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      produced += value.byteLength;
      const now = performance.now();
      if (onProgress !== undefined && now - lastReport > PROGRESS_INTERVAL_MS) {
        lastReport = now;
        onProgress({
          phase: 'decompress',
          step: `decompressing ${name}.gz`,
          bytes: produced,
          fraction: totalBytes === undefined ? undefined : compressed / totalBytes,
          elapsedMs: now - started,
        });
      }
    }
  } catch (e) {
    return {
      ok: false,
      failure: {
        kind: 'fetch',
        message: `${name}.gz could not be decompressed: ${e instanceof Error ? e.message : String(e)}`,
      },
    };
  }
  return { ok: true, file: new File(chunks as BlobPart[], name, { type: 'application/octet-stream' }) };
}
