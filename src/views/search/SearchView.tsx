/**
 * Search all dumped memory, like WinDbg's `s -a` / `s -u` / `s -b`: ASCII text, UTF-16LE text or hex bytes ("??"
 * for any byte), optionally ignoring ASCII case. Hits stream in, in address order, each with its address (which
 * opens the hex view there), region kind, image and a few bytes of context with the match marked; up to a limit
 * that "Show more" raises. An invalid pattern gets the engine's own message, inline.
 */
import { useMemo, useState, type ReactNode, type SubmitEvent } from 'react';
import type { AnalysisView } from '../../../workers/engine-protocol';
import type { Search } from '../../state/use-search';
import { windbgAddress } from '../../core/format/address';
import { groupedBytes, humanSize } from '../../core/format/size';
import type { SearchKind } from '../../core/scan/search-pattern';
import { useNarrow } from '../common/use-narrow';
import { useReportReady } from '../common/use-report-ready';
import { gridColumn, VirtualTable, type GridColumn } from '../common/VirtualTable';
import { searchStatusText } from './search-status';

export interface SearchViewProps {
  readonly view: AnalysisView;
  readonly search: Search;
  readonly onShowHit: (address: bigint, length: number) => void;
}

const KINDS: readonly { readonly value: SearchKind; readonly label: string; readonly placeholder: string }[] = [
  { value: 'ascii', label: 'ASCII text', placeholder: 'centos, PRETTY_NAME=, DOTNET_' },
  { value: 'utf16le', label: 'UTF-16LE text', placeholder: 'text as .NET strings hold it' },
  { value: 'hex', label: 'Hex bytes', placeholder: 'de ad be ef, 7f 45 4c 46 ?? 01' },
];

export function SearchView({ view, search, onShowHit }: SearchViewProps): ReactNode {
  const s = search.state;
  const [text, setText] = useState(s?.query.text ?? '');
  const [kind, setKind] = useState<SearchKind>(s?.query.kind ?? 'ascii');
  const [ignoreCase, setIgnoreCase] = useState(s?.query.caseInsensitive ?? false);
  const cols = view.regions;
  const bits = view.overview.dump.bits;
  const hits = useMemo(() => s?.hits ?? [], [s?.hits]);
  const rows = useMemo(() => Uint32Array.from(hits.keys()), [hits]);
  const [selected, setSelected] = useState<number>();
  const narrow = useNarrow();
  useReportReady(`${view.id}:search`);

  const columns: GridColumn[] = useMemo(
    () => [
      gridColumn({
        id: 'address',
        title: 'Address',
        width: bits === 64 ? '11rem' : '6.5rem',
        mono: true,
        cell: (i) => {
          const h = hits[i];
          return h === undefined ? (
            ''
          ) : (
            <button
              type="button"
              className="link mono"
              tabIndex={-1}
              title="Show this memory (hex view)"
              onClick={() => onShowHit(h.address, h.match.length)}
            >
              {windbgAddress(h.address, bits)}
            </button>
          );
        },
      }),
      gridColumn({
        id: 'kind',
        title: 'Kind',
        width: '9rem',
        cell: (i) => cols.kinds[cols.kind[hits[i]?.regionIndex ?? -1] ?? -1] ?? '',
      }),
      gridColumn({
        id: 'image',
        title: 'Image',
        width: 'minmax(8rem, 1fr)',
        cell: (i) => <span className="path">{cols.images[cols.image[hits[i]?.regionIndex ?? -1] ?? -1] ?? ''}</span>,
      }),
      gridColumn({
        id: 'context',
        title: 'Context',
        width: 'minmax(16rem, 2fr)',
        mono: true,
        cell: (i) => {
          const h = hits[i];
          return h === undefined ? (
            ''
          ) : (
            <span className="context">
              <span className="muted">{h.before}</span>
              <mark>{h.match}</mark>
              <span className="muted">{h.after}</span>
            </span>
          );
        },
      }),
    ],
    [hits, cols, bits, onShowHit],
  );

  const submit = (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    search.run({ kind, text, caseInsensitive: kind !== 'hex' && ignoreCase });
  };
  const running = s?.status === 'running';
  const placeholder = KINDS.find((k) => k.value === kind)?.placeholder;
  return (
    <div className="view search-view">
      <form className="filters" role="search" aria-label="Search memory" onSubmit={submit}>
        <label className="text-filter search-text">
          <span className="picker-label">Find in dumped memory</span>
          <input
            type="search"
            value={text}
            placeholder={placeholder}
            spellCheck={false}
            aria-describedby="search-note"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label className="picker">
          <span className="picker-label">As</span>
          <select value={kind} aria-label="Search as" onChange={(e) => setKind(e.target.value as SearchKind)}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={ignoreCase && kind !== 'hex'}
            disabled={kind === 'hex'}
            onChange={(e) => setIgnoreCase(e.target.checked)}
          />{' '}
          Ignore case
        </label>
        <button type="submit">Search</button>
        {running && (
          <button type="button" onClick={search.cancel}>
            Cancel
          </button>
        )}
        <span
          id="search-note"
          className={s?.status === 'invalid' ? 'text-note inline-error' : 'text-note'}
          role={s?.status === 'invalid' ? 'alert' : undefined}
          data-testid="search-error"
        >
          {s?.status === 'invalid' ? s.message : undefined}
        </span>
      </form>
      {s !== undefined && s.status !== 'invalid' && (
        <p
          className="search-status"
          role="status"
          aria-live="polite"
          data-testid="search-status"
          data-hits={s.hits.length}
          data-state={s.status}
        >
          {searchStatusText(s)}
          {s.status === 'paused' && (
            <>
              {' '}
              <button type="button" onClick={search.more}>
                Show more
              </button>
            </>
          )}
          {s.failures.length > 0 && <span className="warn"> — incomplete: {s.failures.join('; ')}</span>}
        </p>
      )}
      <VirtualTable
        label="Search hits"
        testId="search-hits"
        columns={columns}
        rows={rows}
        // On a phone the context is what matters: Kind and Image give way.
        columnVisibility={{ image: !narrow, kind: !narrow }}
        selected={selected}
        onSelect={setSelected}
        onActivate={(i) => {
          const h = hits[i];
          if (h !== undefined) onShowHit(h.address, h.match.length);
        }}
        empty={
          s === undefined
            ? `Search the ${humanSize(dumpedBytes(view))} of memory in the dump.`
            : s.status === 'running'
              ? 'Searching…'
              : 'No hits.'
        }
      />
      {hits.length > 0 && (
        <p className="muted hint">
          {groupedBytes(hits.length)} hits · Enter, a double click or the address opens the memory there.
        </p>
      )}
    </div>
  );
}

function dumpedBytes(view: AnalysisView): number {
  return view.totals.reduce((a, t) => a + t.inDump, 0);
}
