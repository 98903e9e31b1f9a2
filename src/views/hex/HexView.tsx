/**
 * Memory at any address, WinDbg style: `dp` (pointer-sized words) or `db` (bytes and ASCII). It scrolls through the
 * region holding the address (a 16 MiB window of bigger ones), rows virtualized, memory fetched a chunk at a time.
 * A word that points into a mapped region gets a link labelled with its kind or module+offset; bytes not in the
 * dump print as ?? (never as zeros). Addresses come from the box (0x…, plain hex, 00007f42`d2d6dfa0), a region,
 * a thread's sp, a search hit, a pointer link or the OS evidence.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import type { AnalysisView, MemoryResult } from '../../../workers/engine-protocol';
import type { HexMode } from '../../state/hash-state';
import { hexAddress, windbgAddress } from '../../core/format/address';
import { humanSize } from '../../core/format/size';
import type { PreparedRegions } from '../regions/region-model';
import { useReportReady } from '../common/use-report-ready';
import { observeSize } from '../common/VirtualTable';
import { HexRow } from './HexRow';
import { chunksFor, hexWindow, parseAddressInput, rowCount, rowOf } from './hex-model';
import { useMemoryChunks } from './use-memory-chunks';

export interface HexViewProps {
  readonly view: AnalysisView;
  readonly prepared: PreparedRegions;
  readonly address?: bigint;
  readonly mode: HexMode;
  /** Bytes to highlight from `address` (a search match). */
  readonly highlight?: number;
  readonly onNavigate: (address: bigint, mode?: HexMode, highlight?: number) => void;
  readonly onMode: (mode: HexMode) => void;
  readonly readMemory: (address: bigint, length: number) => Promise<MemoryResult>;
}

const ROW_HEIGHT = 18;

export function HexView(props: HexViewProps): ReactNode {
  const { view, prepared, mode, onNavigate } = props;
  const bits = view.overview.dump.bits;
  const endian = view.overview.dump.endian;
  const cols = prepared.cols;
  const address = props.address ?? (cols.count > 0 ? (cols.start[prepared.addressOrder[0] ?? 0] ?? 0n) : 0n);
  const [text, setText] = useState(() => hexAddress(address));
  const [inputError, setInputError] = useState<string>();
  // A new address rewrites the box, during this render (no extra commit showing the old text).
  const [textFor, setTextFor] = useState(address);
  if (textFor !== address) {
    setTextFor(address);
    setText(hexAddress(address));
  }

  const w = useMemo(() => hexWindow(prepared, address), [prepared, address]);
  const rows = rowCount(w);
  const target = rowOf(w, address);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
    // jsdom and the first paint have no layout yet; the size comes from a ResizeObserver (see observeSize).
    initialRect: { width: 1000, height: 600 },
    observeElementRect: observeSize,
  });
  useEffect(() => {
    if (target >= 0) virtualizer.scrollToIndex(target, { align: 'center' });
  }, [target, w, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const wanted = useMemo(() => chunksFor(w, first, last), [w, first, last]);
  const chunks = useMemoryChunks(props.readMemory, view.id, wanted);
  const highlight = useMemo(
    () => (props.highlight === undefined ? undefined : { from: address, length: props.highlight }),
    [address, props.highlight],
  );
  useReportReady(`${view.id}:memory`);

  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = parseAddressInput(text);
    if (!parsed.ok) {
      setInputError(parsed.message);
      return;
    }
    setInputError(undefined);
    onNavigate(parsed.address);
  };

  const r = w.region;
  const kind = r === undefined ? undefined : cols.kinds[cols.kind[r] ?? 0];
  const image = r === undefined ? undefined : cols.images[cols.image[r] ?? -1];
  const regionSize = r === undefined ? 0 : (cols.size[r] ?? 0);
  const inDump = r === undefined ? 0 : (cols.inDump[r] ?? 0);
  const tid = r === undefined ? -1 : (cols.tid[r] ?? -1);
  const windowed = r !== undefined && w.end - w.start < BigInt(regionSize);
  const step = BigInt(8 * 1024 * 1024);
  return (
    <div className="view hex-view">
      <form className="filters hex-toolbar" onSubmit={submit} role="search" aria-label="Go to an address">
        <label className="text-filter">
          <span className="picker-label">Address</span>
          <input
            type="search"
            value={text}
            spellCheck={false}
            aria-invalid={inputError !== undefined}
            aria-describedby="hex-input-note"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="submit">Go</button>
        <fieldset className="segmented" aria-label="View">
          <label>
            <input
              type="radio"
              name="hex-mode"
              checked={mode === 'pointers'}
              onChange={() => props.onMode('pointers')}
            />{' '}
            Pointers (dp)
          </label>
          <label>
            <input type="radio" name="hex-mode" checked={mode === 'bytes'} onChange={() => props.onMode('bytes')} />{' '}
            Bytes (db)
          </label>
        </fieldset>
        <span
          id="hex-input-note"
          className={inputError === undefined ? 'text-note' : 'text-note inline-error'}
          role={inputError === undefined ? undefined : 'alert'}
        >
          {inputError}
        </span>
      </form>
      <p className="hex-where" data-testid="hex-where">
        {r === undefined ? (
          <span className="warn">
            {hexAddress(address)} is in no mapped region of the dump: everything here is ????????.
          </span>
        ) : (
          <>
            {hexAddress(address)} is in <strong>{kind}</strong>
            {tid >= 0 && ` (thread ${tid})`} {image !== undefined && <span className="path">{image} </span>}
            <span className="mono">
              {windbgAddress(cols.start[r] ?? 0n, bits)} – {windbgAddress((cols.end[r] ?? 1n) - 1n, bits)}
            </span>{' '}
            · {humanSize(regionSize)},{' '}
            {inDump === regionSize
              ? 'all in the dump'
              : `${humanSize(inDump)} in the dump — the rest shows as ????????`}
          </>
        )}
        {chunks.error !== undefined && <span className="inline-error"> — {chunks.error}</span>}
      </p>
      {windowed && (
        <p className="hex-window muted">
          Showing {humanSize(Number(w.end - w.start))} of this {humanSize(regionSize)} region (
          {windbgAddress(w.start, bits)} – {windbgAddress(w.end - 1n, bits)}){' '}
          <button
            type="button"
            disabled={w.start <= (cols.start[r] ?? 0n)}
            onClick={() => onNavigate(w.start - step > 0n ? w.start - step : 0n)}
          >
            Earlier
          </button>{' '}
          <button type="button" disabled={w.end >= (cols.end[r] ?? 0n)} onClick={() => onNavigate(w.end + step - 1n)}>
            Later
          </button>
        </p>
      )}
      <div
        ref={scrollRef}
        className={`hex-scroll mono ${mode}`}
        role="region"
        aria-label={`Memory at ${hexAddress(address)}`}
        tabIndex={0}
        data-testid="hex-rows"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => (
            <HexRow
              key={item.key}
              window={w}
              row={item.index}
              top={item.start}
              target={item.index === target}
              mode={mode}
              bits={bits}
              endian={endian}
              chunks={chunks}
              highlight={highlight}
              onFollow={onNavigate}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
