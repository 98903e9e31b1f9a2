/**
 * "Compare with…": picks a second dump or report to compare the one on screen with. The page keeps one file input
 * in its markup (dumps, reports and binaries all go through it); this picker's input is made on each click and
 * never attached, so that stays true, and it takes one file only.
 */
import type { ReactNode } from 'react';

/** Opens the browser's file picker for one file (must run in a click's handler: a user activation). */
export function pickOneFile(onFile: (file: File) => void): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) onFile(file);
  });
  input.click();
}

export function CompareButton({ onFile }: { readonly onFile: (file: File) => void }): ReactNode {
  return (
    <button
      type="button"
      title="Another dump or a saved report beside this one: what grew, what is new (read here, never uploaded)"
      onClick={() => pickOneFile(onFile)}
    >
      Compare with…
    </button>
  );
}
