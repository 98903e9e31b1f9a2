/**
 * The mapped ELF images, and — once the stacks pass has looked for them — where each one's names and unwind data
 * came from: a provided file matched by build-id, the dump's own memory, or nowhere. A line names the modules whose
 * files would make the stacks better (not found, or a file with another build-id), beside the app's
 * "Add binaries…" button.
 */
import { useId, type ReactNode } from 'react';
import type { ModuleRow } from '../../../workers/engine-protocol';
import type { ModuleSymbols, ModuleSymbolStatus } from '../../core/types';
import '../stacks.css';

export interface ModulesPanelProps {
  readonly modules: readonly ModuleRow[];
  /** From the stacks pass; without it (or empty) there is no Symbols column. */
  readonly symbols?: readonly ModuleSymbolStatus[];
  /** Offers "Add binaries…" where files are missing. */
  readonly onAddBinaries?: () => void;
  /** A module path to mark (a finding's link). */
  readonly highlight?: string;
  /** The stacks pass's warnings: files that match no module, a demangler that did not load, … */
  readonly warnings?: readonly string[];
}

/** Names listed in the "better stacks" line before "and N more". */
const NAMED = 6;

export function symbolsText(s: ModuleSymbolStatus): string {
  switch (s.symbols) {
    case 'file':
      return s.symbolFile === undefined ? 'matched' : `matched (${s.symbolFile})`;
    case 'missing':
      return 'not found';
    case 'build-id-mismatch':
      return 'build-id differs';
    case 'dump':
      return 'from the dump';
  }
}

const WANTS_FILE: ReadonlySet<ModuleSymbols> = new Set(['missing', 'build-id-mismatch']);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function ModulesPanel({ modules, symbols, onAddBinaries, highlight, warnings }: ModulesPanelProps): ReactNode {
  const titleId = useId();
  const byPath = new Map((symbols ?? []).map((s) => [s.path, s]));
  const withSymbols = byPath.size > 0;
  const wanted = (symbols ?? []).filter((s) => WANTS_FILE.has(s.symbols));
  const named = wanted.slice(0, NAMED).map((s) => baseName(s.path));
  return (
    <section className="card" aria-labelledby={titleId} id="modules-panel">
      <h2 id={titleId}>Modules ({modules.length})</h2>
      {wanted.length > 0 && (
        <p className="better-stacks" data-testid="better-stacks">
          Stacks would be better with the files of {named.join(', ')}
          {wanted.length > named.length ? ` and ${wanted.length - named.length} more` : ''}: their names and unwind data
          were not found{wanted.some((s) => s.symbols === 'build-id-mismatch') ? ' or the file differs' : ''}.{' '}
          {onAddBinaries !== undefined && (
            <button type="button" onClick={onAddBinaries}>
              Add binaries…
            </button>
          )}
        </p>
      )}
      {warnings !== undefined && warnings.length > 0 && (
        <ul className="warnings" data-testid="stacks-warnings" aria-label="About the files given and the stacks">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {modules.length === 0 ? (
        <p className="muted">No ELF images found in the dump's memory.</p>
      ) : (
        <div className="scroll-x">
          <table className="static-table modules">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Start
                </th>
                <th scope="col" className="num">
                  End
                </th>
                <th scope="col">Path</th>
                {withSymbols && <th scope="col">Symbols</th>}
                <th scope="col">Build ID</th>
              </tr>
            </thead>
            <tbody>
              {modules.map((m) => {
                const s = byPath.get(m.path);
                return (
                  <tr key={`${m.start}-${m.path}`} className={m.path === highlight ? 'highlight' : undefined}>
                    <td className="num mono">{m.start}</td>
                    <td className="num mono">{m.end}</td>
                    <td className="path">{m.path}</td>
                    {withSymbols && (
                      <td className={s !== undefined && WANTS_FILE.has(s.symbols) ? 'warn' : undefined}>
                        {s === undefined ? '' : symbolsText(s)}
                      </td>
                    )}
                    <td className="mono muted">{m.buildId ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
