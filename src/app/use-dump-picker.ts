/**
 * "Open dump…" and the recent dumps' clicks. Where the browser has the File System Access picker (Chromium), files
 * are picked with it, so they come with handles and the recent dumps can open them again after a reload; elsewhere
 * the page's file input is clicked, as before.
 */
import { useCallback, type RefObject } from 'react';
import { canPickWithHandles, pickFilesWithHandles } from '../state/file-handles';
import { reopenDump, type RecentDump } from '../state/recent-dumps';

export interface DumpPicker {
  /** Lets the user choose files (a dump, or binaries to go beside it). */
  readonly pick: () => void;
  /** Opens a recent dump again through its handle, or says why it cannot. */
  readonly reopen: (entry: RecentDump) => void;
}

export function useDumpPicker(
  onFiles: (files: File[]) => void,
  fileInput: RefObject<HTMLInputElement | null>,
  onProblem: (message: string) => void,
): DumpPicker {
  const pick = useCallback(() => {
    if (!canPickWithHandles()) {
      fileInput.current?.click();
      return;
    }
    pickFilesWithHandles().then(
      (files) => {
        if (files !== undefined && files.length > 0) onFiles(files);
      },
      (e: unknown) => onProblem(`the files could not be opened: ${e instanceof Error ? e.message : String(e)}`),
    );
  }, [onFiles, fileInput, onProblem]);
  const reopen = useCallback(
    (entry: RecentDump) =>
      void reopenDump(entry).then((result) => (result.ok ? onFiles([result.file]) : onProblem(result.message))),
    [onFiles, onProblem],
  );
  return { pick, reopen };
}
