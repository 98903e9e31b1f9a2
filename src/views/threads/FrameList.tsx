/**
 * A thread's frames, innermost first, as a table: number, the frame as frameText writes it, how it was found (a
 * frame found by scanning the stack is a guess and is marked as one, like a heuristic memory kind), the module and
 * offset, the source line when known, and the address (a link into the hex view). Very deep stacks show their
 * first frames and a button for the rest, so a runaway recursion does not build thousands of rows at once.
 */
import { useState, type ReactNode } from 'react';
import type { Frame, FrameTrust } from '../../core/types';
import { hexAddress } from '../../core/format/address';
import { frameText } from '../../core/model/frame-text';
import { HeuristicBadge } from '../common/HeuristicBadge';
import '../stacks.css';

export interface FrameListProps {
  readonly frames: readonly Frame[];
  /** Opens the hex view at a frame's address; without it the addresses are plain text. */
  readonly onShowMemory?: (address: bigint) => void;
}

/** Frames shown before "Show all": enough for any ordinary stack. */
const FIRST_FRAMES = 200;

const TRUST: Record<FrameTrust, { readonly label: string; readonly title: string }> = {
  context: { label: 'regs', title: "The thread's registers: where it stopped" },
  cfi: { label: 'cfi', title: 'Call frame information (.eh_frame or .debug_frame): exact' },
  fp: { label: 'fp', title: 'The frame-pointer chain, checked to climb the stack' },
  scan: { label: 'scan', title: 'Found by scanning the stack' },
};

const SCAN_EVIDENCE =
  'Heuristic “stack scan”: no unwind data reached this frame, so a stack word that points just after a call ' +
  'instruction was taken as its return address. It may be a stale value: this frame and the ones after it are a guess.';

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function TrustBadge({ trust }: { readonly trust: FrameTrust }): ReactNode {
  const t = TRUST[trust];
  return (
    <span className={`trust trust-${trust}`} title={t.title}>
      {t.label}
      {trust === 'scan' && <HeuristicBadge text={SCAN_EVIDENCE} />}
    </span>
  );
}

export function FrameList({ frames, onShowMemory }: FrameListProps): ReactNode {
  const [all, setAll] = useState(false);
  const shown = all ? frames : frames.slice(0, FIRST_FRAMES);
  return (
    <div className="scroll-x">
      <table className="static-table frame-list">
        <caption className="visually-hidden">Frames, innermost first</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Frame</th>
            <th scope="col">Found by</th>
            <th scope="col">Module + offset</th>
            <th scope="col">Source</th>
            <th scope="col" className="num">
              Address
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((f, i) => (
            <tr key={i} className={f.trust === 'scan' ? 'guessed' : undefined}>
              <td className="num">{i}</td>
              <td className="mono frame-text">
                {frameText(f)}
                {f.jit === true && <span className="tag">JIT</span>}
              </td>
              <td>
                <TrustBadge trust={f.trust} />
              </td>
              <td className="mono" title={f.module}>
                {f.module === undefined
                  ? ''
                  : `${baseName(f.module)}${f.offset === undefined ? '' : `+0x${f.offset.toString(16)}`}`}
              </td>
              <td className="mono" title={f.file}>
                {f.file === undefined ? '' : `${baseName(f.file)}${f.line === undefined ? '' : `:${f.line}`}`}
              </td>
              <td className="num mono">
                {onShowMemory === undefined ? (
                  hexAddress(f.pc)
                ) : (
                  <button
                    type="button"
                    className="link mono"
                    title="Show this address in the hex view"
                    onClick={() => onShowMemory(f.pc)}
                  >
                    {hexAddress(f.pc)}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length < frames.length && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {frames.length.toLocaleString('en-US')} frames
        </button>
      )}
    </div>
  );
}
