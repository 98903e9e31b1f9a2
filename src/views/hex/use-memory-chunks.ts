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

/** The chunks of one dump: a new dump starts a new store, so nothing cached for another is ever drawn. */
interface ChunkStore {
  readonly dumpId: DumpId;
  readonly cache: ChunkCache<Chunk>;
  readonly inflight: Set<bigint>;
}

/** `wanted`: the chunks of the rows on screen; memoize it (a new array with the same chunks asks again, cheaply). */
export function useMemoryChunks(
  read: (address: bigint, length: number) => Promise<MemoryResult>,
  dumpId: DumpId,
  wanted: readonly bigint[],
): MemoryChunks {
  const store = useRef<ChunkStore>(undefined);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const mine =
      store.current?.dumpId === dumpId
        ? store.current
        : { dumpId, cache: new ChunkCache<Chunk>(CAPACITY), inflight: new Set<bigint>() };
    store.current = mine;
    for (const chunk of wanted) {
      if (mine.cache.get(chunk) !== undefined || mine.inflight.has(chunk)) continue;
      mine.inflight.add(chunk);
      read(chunk, CHUNK_BYTES).then(
        (result) => {
          if (store.current !== mine) return;
          mine.inflight.delete(chunk);
          if (!result.ok) {
            setError('the dump is no longer loaded in the engine; open it again');
            return;
          }
          mine.cache.set(chunk, {
            bytes: result.bytes,
            present: result.present,
            links: new Map(result.links.map((l) => [l.offset, l])),
          });
          setError(undefined);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          mine.inflight.delete(chunk);
          setError(e instanceof Error ? e.message : String(e));
        },
      );
    }
  }, [wanted, dumpId, read]);

  // One object per change, so memoized rows re-render when a chunk arrives and only then.
  return useMemo(() => {
    const get = (chunk: bigint): Chunk | undefined => {
      const s = store.current;
      return s?.dumpId === dumpId ? s.cache.peek(chunk) : undefined;
    };
    return { get, error, version };
  }, [dumpId, error, version]);
}
