/**
 * Drop files anywhere on the window — a dump, binaries, debug files, perf maps, or whole folders (a sysroot,
 * /usr/lib/debug), whose files are gathered here. dragenter/dragleave fire for every child element crossed, so a
 * counter tells when the drag really left the window; only drags that carry files show the drop target.
 */
import { useEffect, useState } from 'react';
import { dropHandle, withHandle } from '../state/file-handles';
import { MAX_FILES } from '../state/route-files';

/**
 * The dropped files, a dropped folder's files (recursively, up to MAX_FILES) included. A file dropped by itself
 * (not in a folder) keeps its handle where the browser gives one, for the recent dumps.
 */
async function droppedFiles(data: DataTransfer): Promise<File[]> {
  const dropped = Array.from(data.items, (item) => ({ entry: item.webkitGetAsEntry(), handle: dropHandle(item) }));
  const entries = dropped.filter((d) => d.entry !== null);
  // Without entries (an old browser, a drag from another page) the plain file list is all there is.
  if (entries.length === 0) return Array.from(data.files);
  const files: File[] = [];
  const visit = async (entry: FileSystemEntry, handle?: Promise<FileSystemFileHandle | undefined>): Promise<void> => {
    if (files.length >= MAX_FILES) return;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      const h = await handle;
      files.push(h === undefined ? file : withHandle(file, h));
      return;
    }
    if (!entry.isDirectory) return;
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries gives a batch at a time (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0 || files.length >= MAX_FILES) return;
      for (const child of batch) await visit(child);
    }
  };
  for (const { entry, handle } of entries) if (entry !== null) await visit(entry, handle);
  return files;
}

function carriesFiles(e: DragEvent): boolean {
  return e.dataTransfer !== null && Array.from(e.dataTransfer.types).includes('Files');
}

export function useFileDrop(onFiles: (files: File[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      // Without preventDefault on dragover the browser would open the file itself instead of dropping it here.
      e.preventDefault();
      if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const data = e.dataTransfer;
      if (data === null) return;
      // The items must be read during the event; the folders' contents arrive later.
      void droppedFiles(data).then(
        (files) => {
          if (files.length > 0) onFiles(files);
        },
        () => onFiles(Array.from(data.files)),
      );
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [onFiles]);
  return dragging;
}
