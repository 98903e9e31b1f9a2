/**
 * One 16-byte row of the hex view. `dp`: the address, the words (absent ones as ????????`????????, dimmed), then a
 * link per word that points into a mapped region, labelled with where it lands. `db`: hex and ASCII, with the
 * bytes of a search match marked. All text, never markup from the dump.
 */
import { memo, type ReactNode } from 'react';
import type { Endian, WordBits } from '../../core/elf/binary-view';
import { hexAddress } from '../../core/format/address';
import { formatAddress } from '../../core/scan/hex-format';
import type { HexMode } from '../../state/hash-state';
import { byteLine, chunkOf, highlightSpan, pointerLine, ROW_BYTES, rowAddress, type HexWindow } from './hex-model';
import type { MemoryChunks } from './use-memory-chunks';

export interface HexRowProps {
  readonly window: HexWindow;
  readonly row: number;
  readonly top: number;
  readonly target: boolean;
  readonly mode: HexMode;
  readonly bits: WordBits;
  readonly endian: Endian;
  readonly chunks: MemoryChunks;
  readonly highlight?: { readonly from: bigint; readonly length: number };
  readonly onFollow: (address: bigint) => void;
}

function marked(text: string, span: readonly [number, number] | undefined): ReactNode {
  if (span === undefined) return text;
  return (
    <>
      {text.slice(0, span[0])}
      <mark>{text.slice(span[0], span[1])}</mark>
      {text.slice(span[1])}
    </>
  );
}

function HexRowImpl({
  window: w,
  row,
  top,
  target,
  mode,
  bits,
  endian,
  chunks,
  highlight,
  onFollow,
}: HexRowProps): ReactNode {
  const address = rowAddress(w, row);
  const chunkStart = chunkOf(address);
  const chunk = chunks.get(chunkStart);
  const style = { transform: `translateY(${top}px)` };
  const className = `hex-row${target ? ' target' : ''}`;
  if (chunk === undefined) {
    return (
      <div className={className} style={style}>
        <span className="hex-addr">{formatAddress(address, bits)}</span> <span className="muted">…</span>
      </div>
    );
  }
  const at = Number(address - chunkStart);
  const bytes = chunk.bytes.subarray(at, at + ROW_BYTES);
  const present = chunk.present.subarray(at, at + ROW_BYTES);
  if (mode === 'bytes') {
    const line = byteLine(address, bytes, present, bits);
    const span = highlight === undefined ? undefined : highlightSpan(address, highlight.from, highlight.length);
    return (
      <div className={className} style={style}>
        <span className="hex-addr">{line.address}</span>
        {'  '}
        <span className="hex-bytes">
          {marked(line.hex, span === undefined ? undefined : [span[0] * 3, span[1] * 3 - 1])}
        </span>
        {'  '}
        <span className="hex-ascii">{marked(line.ascii, span)}</span>
      </div>
    );
  }
  const line = pointerLine(address, bytes, present, bits, endian);
  const links = line.words.map((word) => chunk.links.get(at + word.offset));
  return (
    <div className={className} style={style}>
      <span className="hex-addr">{line.address}</span>
      {'  '}
      {line.words.map((word, k) => (
        <span
          key={word.offset}
          className={word.absent ? 'hex-word absent' : links[k] !== undefined ? 'hex-word pointer' : 'hex-word'}
        >
          {word.text}
          {k < line.words.length - 1 ? ' ' : ''}
        </span>
      ))}
      <span className="hex-links">
        {links.map(
          (link, k) =>
            link !== undefined && (
              <button
                key={k}
                type="button"
                className="link"
                title={`Go to ${hexAddress(link.target)}`}
                onClick={() => onFollow(link.target)}
              >
                {link.label}
              </button>
            ),
        )}
      </span>
    </div>
  );
}

/** Rows re-render only when their data can have changed (a chunk arrived, the window moved). */
export const HexRow = memo(HexRowImpl);
