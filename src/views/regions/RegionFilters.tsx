/** The region table's filter bar: kind, type, state and protection pickers (with counts) and the text box. */
import { useMemo, type ReactNode } from 'react';
import type { RegionColumns } from '../../../workers/engine-protocol';
import type { RegionFilter } from '../../state/hash-state';
import { groupedBytes } from '../../core/format/size';

function counts(codes: ArrayLike<number>, size: number): number[] {
  const out = new Array<number>(size).fill(0);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    out[c] = (out[c] ?? 0) + 1;
  }
  return out;
}

interface PickerProps {
  readonly label: string;
  readonly all: string;
  readonly table: readonly string[];
  readonly counts: readonly number[];
  readonly value: string | undefined;
  readonly onChange: (value: string | undefined) => void;
}

function Picker({ label, all, table, counts: n, value, onChange }: PickerProps): ReactNode {
  // A value from a link that this dump lacks stays listed (with 0) so the filter is visible and can be cleared.
  const options = value !== undefined && !table.includes(value) ? [...table, value] : table;
  return (
    <label className="picker">
      <span className="picker-label">{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        <option value="">{all}</option>
        {options.map((v, i) => (
          <option key={v} value={v}>
            {v} ({groupedBytes(n[i] ?? 0)})
          </option>
        ))}
      </select>
    </label>
  );
}

export interface RegionFiltersProps {
  readonly cols: RegionColumns;
  readonly filter: RegionFilter;
  readonly onChange: (filter: RegionFilter) => void;
  readonly shown: number;
  /** A note under the text box: "selects the region holding 0x…", "no region holds 0x…". */
  readonly textNote?: string;
}

export function RegionFilters({ cols, filter, onChange, shown, textNote }: RegionFiltersProps): ReactNode {
  const n = useMemo(
    () => ({
      kind: counts(cols.kind, cols.kinds.length),
      type: counts(cols.type, cols.types.length),
      state: counts(cols.state, cols.states.length),
      protect: counts(cols.protect, cols.protects.length),
    }),
    [cols],
  );
  const active =
    filter.kind !== undefined ||
    filter.type !== undefined ||
    filter.state !== undefined ||
    filter.protect !== undefined ||
    filter.text !== '';
  return (
    <div className="filters" role="search" aria-label="Filter regions">
      <Picker
        label="Kind"
        all="All kinds"
        table={cols.kinds}
        counts={n.kind}
        value={filter.kind}
        onChange={(kind) => onChange({ ...filter, kind })}
      />
      <Picker
        label="Type"
        all="All types"
        table={cols.types}
        counts={n.type}
        value={filter.type}
        onChange={(type) => onChange({ ...filter, type })}
      />
      <Picker
        label="State"
        all="All states"
        table={cols.states}
        counts={n.state}
        value={filter.state}
        onChange={(state) => onChange({ ...filter, state })}
      />
      <Picker
        label="Protect"
        all="All protections"
        table={cols.protects}
        counts={n.protect}
        value={filter.protect}
        onChange={(protect) => onChange({ ...filter, protect })}
      />
      <label className="text-filter">
        <span className="picker-label">Path or address</span>
        <input
          type="search"
          value={filter.text}
          placeholder="libc, /memfd:, 0x7f42d2d6dfa0…"
          spellCheck={false}
          aria-describedby="region-text-note"
          onChange={(e) => onChange({ ...filter, text: e.target.value })}
        />
      </label>
      {active && (
        <button type="button" className="quiet" onClick={() => onChange({ text: '' })}>
          Clear filters
        </button>
      )}
      <span className="count" aria-live="polite">
        {groupedBytes(shown)} of {groupedBytes(cols.count)} regions
      </span>
      <span id="region-text-note" className="text-note">
        {textNote}
      </span>
    </div>
  );
}
