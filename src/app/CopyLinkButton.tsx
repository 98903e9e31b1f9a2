/**
 * "Copy link", for a dump opened by URL: the page's address with `?url=` and the current view (the URL hash, as it
 * is), so a teammate opens the same dump at the same place. Copied with the Clipboard API; where the browser
 * refuses (no permission, not a secure context) the link is shown in a text field, selected, to copy by hand.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { shareLink } from '../state/url-origins';

export function CopyLinkButton({ dumpUrl }: { readonly dumpUrl: string }): ReactNode {
  const [copied, setCopied] = useState<'copied' | { readonly manual: string }>();
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (copied === 'copied') {
      const timer = setTimeout(() => setCopied(undefined), 2000);
      return () => clearTimeout(timer);
    }
    field.current?.select();
    return undefined;
  }, [copied]);

  const copy = () => {
    const link = shareLink(location.href, dumpUrl);
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (clipboard === undefined) {
      setCopied({ manual: link });
      return;
    }
    clipboard.writeText(link).then(
      () => setCopied('copied'),
      () => setCopied({ manual: link }),
    );
  };

  return (
    <span className="copy-link">
      <button
        type="button"
        title="A link to this page that opens the same dump by its URL, at the current view"
        onClick={copy}
      >
        Copy link
      </button>
      {copied === 'copied' && (
        <span role="status" className="muted">
          {' '}
          Link copied
        </span>
      )}
      {copied !== undefined && copied !== 'copied' && (
        <input
          ref={field}
          type="text"
          readOnly
          className="copy-link-field"
          aria-label="Link to this dump: copy it"
          data-testid="copy-link-field"
          value={copied.manual}
          onBlur={() => setCopied(undefined)}
        />
      )}
    </span>
  );
}
