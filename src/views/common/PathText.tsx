/**
 * A file path in a table cell too narrow for it: the directory gives way (its end elided) so the file name stays in
 * sight — "/tmp/x/dotnet/sh…libcoreclr.so" rather than "/tmp/x/dotnet/share…" on every row — and the full path
 * shows on hover. The text is the whole path, in order, for copying and for screen readers.
 */
import { useId, type ReactNode } from 'react';
import { useTooltip } from './Tooltip';

export function PathText({ path }: { readonly path: string }): ReactNode {
  const owner = useId();
  const tip = useTooltip();
  const cut = path.lastIndexOf('/', path.length - 2) + 1;
  return (
    <span
      className="path-text"
      onMouseEnter={(e) => tip.show(owner, path, e.currentTarget)}
      onMouseLeave={() => tip.hide(owner)}
    >
      {cut > 0 && <span className="path-dir">{path.slice(0, cut)}</span>}
      <span className="path-file">{path.slice(cut)}</span>
    </span>
  );
}
