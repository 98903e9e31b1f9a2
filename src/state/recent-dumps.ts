/**
 * The dumps opened lately, kept in this browser's IndexedDB: name, size, when, and the file's handle where the
 * browser gave one (file-handles.ts), so one click opens it again after a reload. Nothing of a dump's content is
 * stored. Without a handle (the file input; Firefox, Safari) an entry only says what was opened, and the user
 * picks the file again.
 */
import { withHandle, type ReadableHandle } from './file-handles';

export interface RecentDump {
  /** Name and size: the same dump opened again replaces its entry. */
  readonly key: string;
  readonly name: string;
  readonly size: number;
  /** When it was last opened (ms since the epoch). */
  readonly openedAt: number;
  readonly handle?: FileSystemFileHandle;
}

/** Where the entries live: IndexedDB in the page (indexedDbStore), anything with the same three calls in tests. */
export interface RecentStore {
  /** Every entry, the most recently opened first. */
  all(): Promise<RecentDump[]>;
  put(entry: RecentDump): Promise<void>;
  remove(key: string): Promise<void>;
}

/** More than this and the oldest go: the list is for getting back to today's dumps, not an archive. */
export const MAX_RECENT = 12;

export function recentKey(name: string, size: number): string {
  return `${size}:${name}`;
}

async function sameFile(a: FileSystemFileHandle | undefined, b: FileSystemFileHandle): Promise<boolean> {
  try {
    return a !== undefined && (await a.isSameEntry(b));
  } catch {
    return false;
  }
}

/**
 * Records that `file` was opened now. An entry for the same name and size, or for the same file on disk (its
 * handle: a dump rewritten in place has a new size), is replaced; past MAX_RECENT, the oldest are dropped.
 */
export async function rememberDump(
  store: RecentStore,
  file: File,
  handle: FileSystemFileHandle | undefined,
  now: number = Date.now(),
): Promise<void> {
  const key = recentKey(file.name, file.size);
  const entries = await store.all();
  for (const old of entries) {
    if (old.key !== key && handle !== undefined && (await sameFile(old.handle, handle))) await store.remove(old.key);
  }
  await store.put({ key, name: file.name, size: file.size, openedAt: now, ...(handle ? { handle } : {}) });
  const kept = (await store.all()).slice(MAX_RECENT);
  for (const old of kept) await store.remove(old.key);
}

export type Reopened = { readonly ok: true; readonly file: File } | { readonly ok: false; readonly message: string };

/**
 * The entry's file again, read through its handle: asks for permission to read it when the browser wants that
 * (the click that called this is the user's consent). Every way it can fail gets a sentence for the user.
 */
export async function reopenDump(entry: RecentDump): Promise<Reopened> {
  const handle: ReadableHandle | undefined = entry.handle;
  if (handle === undefined)
    return { ok: false, message: `${entry.name} was opened without a handle to it: pick the file again` };
  try {
    let permission = (await handle.queryPermission?.({ mode: 'read' })) ?? 'granted';
    if (permission === 'prompt') permission = (await handle.requestPermission?.({ mode: 'read' })) ?? 'denied';
    if (permission !== 'granted')
      return { ok: false, message: `permission to read ${entry.name} was not given: pick the file again` };
    return { ok: true, file: withHandle(await handle.getFile(), handle) };
  } catch (e) {
    const name = e instanceof DOMException ? e.name : '';
    if (name === 'NotFoundError')
      return { ok: false, message: `${entry.name} is no longer where it was opened from: pick it again` };
    if (name === 'NotAllowedError' || name === 'SecurityError')
      return { ok: false, message: `the browser refused to read ${entry.name}: pick the file again` };
    return { ok: false, message: `${entry.name} could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const DB_NAME = 'coreview';
const DB_VERSION = 1;
const STORE = 'recent-dumps';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function openDatabase(factory: IDBFactory | undefined, name: string): Promise<IDBDatabase> {
  if (factory === undefined) return Promise.reject(new Error('this browser has no IndexedDB'));
  const open = factory.open(name, DB_VERSION);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE, { keyPath: 'key' });
  };
  return request(open);
}

/** The entries in IndexedDB (database "coreview", one object store keyed by RecentDump.key). */
export function indexedDbStore(
  factory: IDBFactory | undefined = globalThis.indexedDB,
  name: string = DB_NAME,
): RecentStore {
  let db: Promise<IDBDatabase> | undefined;
  const database = () => {
    db ??= openDatabase(factory, name).catch((e: unknown) => {
      // Not cached when it failed: the next call tries again (a private window may refuse, then allow).
      db = undefined;
      throw e;
    });
    return db;
  };
  const write = async (change: (store: IDBObjectStore) => void) => {
    const tx = (await database()).transaction(STORE, 'readwrite');
    change(tx.objectStore(STORE));
    await done(tx);
  };
  return {
    async all() {
      const tx = (await database()).transaction(STORE, 'readonly');
      const entries = await request(tx.objectStore(STORE).getAll() as IDBRequest<RecentDump[]>);
      return entries.sort((a, b) => b.openedAt - a.openedAt);
    },
    put: (entry) => write((s) => s.put(entry)),
    remove: (key) => write((s) => s.delete(key)),
  };
}
