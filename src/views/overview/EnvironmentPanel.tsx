/**
 * The process environment as the process started with it (the strings on the main thread's initial stack: a
 * variable set or changed later by the process itself is not here). Names only at first: values often hold
 * passwords and tokens, and a screen is easily shared, so they appear only when asked for. A filter box narrows the
 * list by name (and by value once values are shown).
 */
import { useId, useState, type ReactNode } from 'react';
import type { ProcessEnvironment } from '../../core/types';
import '../stacks.css';

export interface EnvironmentPanelProps {
  readonly environment: ProcessEnvironment;
  /** The filter box's text. Controlled when `onFilter` is given (a finding's link sets it). */
  readonly filter?: string;
  readonly onFilter?: (text: string) => void;
}

/** Rows shown at most: an environment of thousands of variables asks for the filter, not a longer page. */
const MAX_ROWS = 200;

export function EnvironmentPanel({ environment, filter, onFilter }: EnvironmentPanelProps): ReactNode {
  const titleId = useId();
  const [ownText, setOwnText] = useState(filter ?? '');
  const text = onFilter === undefined ? ownText : (filter ?? '');
  const setText = onFilter ?? setOwnText;
  const [values, setValues] = useState(false);
  const needle = text.trim().toLowerCase();
  const matches = environment.env.filter(
    (v) => needle === '' || v.name.toLowerCase().includes(needle) || (values && v.value.toLowerCase().includes(needle)),
  );
  const shown = matches.slice(0, MAX_ROWS);
  const count = environment.env.length;
  return (
    <section className="card environment" aria-labelledby={titleId} id="environment-panel">
      <h2 id={titleId}>Environment ({count})</h2>
      <p className="muted">
        As the process started: the strings after its arguments on the main thread's first stack. Variables the process
        set or changed later are not here.
      </p>
      <div className="filters" role="search" aria-label="Filter the environment">
        <label className="text-filter">
          <span className="picker-label">Filter</span>
          <input
            type="search"
            value={text}
            placeholder={values ? 'name or value' : 'name'}
            spellCheck={false}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="button" aria-pressed={values} onClick={() => setValues(!values)}>
          {values ? 'Hide values' : 'Show values'}
        </button>
        <span className="count">
          {matches.length === count ? count : `${matches.length} of ${count}`} variable{count === 1 ? '' : 's'}
        </span>
      </div>
      {!values && count > 0 && <p className="muted">Values are hidden: they may hold secrets.</p>}
      {count === 0 ? (
        <p className="muted">No environment strings were found.</p>
      ) : shown.length === 0 ? (
        <p className="muted">No variable matches the filter.</p>
      ) : (
        <div className="scroll-x">
          <table className="static-table env-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {values && <th scope="col">Value</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((v, i) => (
                <tr key={`${i}:${v.name}`}>
                  <td className="mono">{v.name}</td>
                  {values && <td className="mono wrap env-value">{v.value}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {matches.length > shown.length && (
        <p className="muted">{matches.length - shown.length} more: narrow the filter to see them.</p>
      )}
      {environment.warnings.length > 0 && (
        <ul className="warnings">
          {environment.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
