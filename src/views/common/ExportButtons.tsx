/**
 * "Copy as text" and download buttons. The text comes from the worker (the CLI's exact formatter), so a copy is a
 * round trip; ClipboardItem takes the pending text as a promise so the click's user activation still counts.
 */
import { useState, type ReactNode } from 'react';

export async function copyText(text: Promise<string>): Promise<void> {
  // The DOM types promise both, but browsers leave out navigator.clipboard outside secure contexts and some lack write.
  const clipboard = navigator.clipboard as Partial<Clipboard> | undefined;
  if (typeof ClipboardItem !== 'undefined' && clipboard?.write !== undefined) {
    const blob = text.then((t) => new Blob([t], { type: 'text/plain' }));
    await navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
    return;
  }
  await navigator.clipboard.writeText(await text);
}

export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL; keep it alive a moment for browsers that read it asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface CopyButtonProps {
  readonly label?: string;
  readonly getText: () => Promise<string>;
}

/** A copy button that says whether it worked ("Copied" / the error) in a live region next to it. */
export function CopyButton({ label = 'Copy as text', getText }: CopyButtonProps): ReactNode {
  const [note, setNote] = useState('');
  const onClick = () => {
    setNote('');
    copyText(getText()).then(
      () => setNote('Copied'),
      (e: unknown) => setNote(`Copy failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <span className="copy">
      <button type="button" onClick={onClick}>
        {label}
      </button>
      <span className="copy-note" role="status" aria-live="polite">
        {note}
      </span>
    </span>
  );
}

export function DownloadButton({
  label,
  fileName,
  type,
  getText,
}: {
  readonly label: string;
  readonly fileName: string;
  readonly type: string;
  readonly getText: () => Promise<string>;
}): ReactNode {
  const [error, setError] = useState('');
  const onClick = () => {
    setError('');
    getText().then(
      (text) => downloadText(text, fileName, type),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <>
      <button type="button" onClick={onClick}>
        {label}
      </button>
      {error !== '' && (
        <span className="copy-note error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
