/**
 * Files the page was given together with a handle to them (the File System Access API: Chromium's file picker, a
 * drop, a file opened from the desktop by the installed app). A handle outlives the page: kept in IndexedDB, it
 * opens the same file again after a reload with one click (recent-dumps.ts). A File given without one (the file
 * input; Firefox and Safari) is just bytes, and picking it again is the only way back to it.
 *
 * The parts of the API that TypeScript's DOM library leaves out (they are Chromium's only) are declared here.
 */

type PermissionState = 'granted' | 'denied' | 'prompt';

/** A file handle with the permission methods Chromium adds (absent elsewhere, and on older Chromium). */
export interface ReadableHandle extends FileSystemFileHandle {
  queryPermission?: (descriptor: { mode: 'read' }) => Promise<PermissionState>;
  requestPermission?: (descriptor: { mode: 'read' }) => Promise<PermissionState>;
}

interface PickerWindow {
  showOpenFilePicker?: (options: { multiple: boolean; id?: string }) => Promise<FileSystemFileHandle[]>;
}

interface HandleItem {
  getAsFileSystemHandle?: () => Promise<FileSystemHandle | null>;
}

const handles = new WeakMap<File, FileSystemFileHandle>();

/** Notes that `file` came from `handle`, for whoever opens it next (the recent dumps keep the handle). */
export function withHandle(file: File, handle: FileSystemFileHandle): File {
  handles.set(file, handle);
  return file;
}

export function handleOf(file: File): FileSystemFileHandle | undefined {
  return handles.get(file);
}

function isFileHandle(handle: FileSystemHandle | null | undefined): handle is FileSystemFileHandle {
  return handle?.kind === 'file';
}

/** The files behind the handles (directories are skipped), each remembered with its handle. */
export async function filesOf(given: readonly FileSystemHandle[]): Promise<File[]> {
  const files: File[] = [];
  for (const handle of given) if (isFileHandle(handle)) files.push(withHandle(await handle.getFile(), handle));
  return files;
}

/**
 * A dropped item's handle, asked for now: the drop's items can only be read during the drop event. Resolves to
 * undefined where the browser gives none (no File System Access API, a folder, a drag from another page).
 */
export function dropHandle(item: DataTransferItem): Promise<FileSystemFileHandle | undefined> {
  const ask = (item as DataTransferItem & HandleItem).getAsFileSystemHandle;
  if (ask === undefined || item.kind !== 'file') return Promise.resolve(undefined);
  return ask.call(item).then(
    (h) => (isFileHandle(h) ? h : undefined),
    () => undefined,
  );
}

export function canPickWithHandles(): boolean {
  return typeof (window as PickerWindow).showOpenFilePicker === 'function';
}

/**
 * Files chosen in the browser's File System Access picker, with their handles: undefined when the user closed it
 * without choosing. Only where canPickWithHandles().
 */
export async function pickFilesWithHandles(): Promise<File[] | undefined> {
  const picker = (window as PickerWindow).showOpenFilePicker;
  if (picker === undefined) throw new Error('this browser has no file picker that gives handles');
  let picked: FileSystemFileHandle[];
  try {
    // The id makes the picker start in the folder the last dump was picked from.
    picked = await picker.call(window, { multiple: true, id: 'coreview-dumps' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return undefined;
    throw e;
  }
  return filesOf(picked);
}
