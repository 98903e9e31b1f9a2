/**
 * Fetches the 4 KiB chunks the hex view's rows on screen need, on demand, from the worker holding the dump (whose
 * PageCache reads each 64 KiB page of the file once), and keeps the last 256 (1 MiB) here. Scrolling through an
 * 8 MiB stack asks for each chunk as it comes into view, never for the whole stack.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DumpId, MemoryResult, PointerLink } from '../../../workers/engine-protocol';
import { ChunkCache } from './chunk-cache';
import { CHUNK_BYTES } from './hex-model';

export interface Chunk {
  readonly bytes: Uint8Array;
  readonly present: Uint8Array;
  /** Pointer links by offset in the chunk. */
  readonly links: ReadonlyMap<number, PointerLink>;
}

export interface MemoryChunks {
  readonly get: (chunk: bigint) => Chunk | undefined;
  readonly error: string | undefined;
  /** Bumped when a chunk arrives. */
  readonly version: number;
}

const CAPACITY = 256;

export function useMemoryChunks(
  read: (address: bigint, length: number) => Promise<MemoryResult>,
  dumpId: DumpId,
  wanted: readonly bigint[],
): MemoryChunks {
  const cache = useRef(new ChunkCache<Chunk>(CAPACITY));
  const inflight = useRef(new Set<bigint>());
  const owner = useRef(dumpId);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string>();

  if (owner.current !== dumpId) {
    // Another dump: nothing cached belongs to it (a ref, reset during render, so no stale chunk is ever drawn).
    owner.current = dumpId;
    cache.current.clear();
    inflight.current.clear();
  }

  const key = wanted.join(',');
  useEffect(() => {
    for (const chunk of wanted) {
      if (cache.current.get(chunk) !== undefined || inflight.current.has(chunk)) continue;
      inflight.current.add(chunk);
      const forDump = dumpId;
      read(chunk, CHUNK_BYTES).then(
        (result) => {
          if (owner.current !== forDump) return;
          inflight.current.delete(chunk);
          if (!result.ok) {
            setError('the dump is no longer loaded in the engine; open it again');
            return;
          }
          cache.current.set(chunk, {
            bytes: result.bytes,
            present: result.present,
            links: new Map(result.links.map((l) => [l.offset, l])),
          });
          setError(undefined);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          inflight.current.delete(chunk);
          setError(e instanceof Error ? e.message : String(e));
        },
      );
    }
    // `key` stands for `wanted` (a new array every render with the same chunks).
  }, [key, dumpId, read]);

  // One object per change, so memoized rows re-render when a chunk arrives and only then.
  return useMemo(() => ({ get: (chunk: bigint) => cache.current.peek(chunk), error, version }), [error, version]);
}
