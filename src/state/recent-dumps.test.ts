import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { handleOf } from './file-handles';
import { consumeLaunch } from './launch-files';
import {
  indexedDbStore,
  MAX_RECENT,
  recentKey,
  rememberDump,
  reopenDump,
  type RecentDump,
  type RecentStore,
} from './recent-dumps';

/** The store's contract in memory: IndexedDB cannot clone the fake handles below (they carry functions). */
function memoryStore(): RecentStore & { readonly map: Map<string, RecentDump> } {
  const map = new Map<string, RecentDump>();
  return {
    map,
    all: () => Promise.resolve([...map.values()].sort((a, b) => b.openedAt - a.openedAt)),
    put: (entry) => {
      map.set(entry.key, entry);
      return Promise.resolve();
    },
    remove: (key) => {
      map.delete(key);
      return Promise.resolve();
    },
  };
}

type Permission = 'granted' | 'denied' | 'prompt';

/** A file handle as Chromium gives one: the file behind it, its permission, and which file on disk it is. */
function fakeHandle(
  file: File | Error,
  options: { permission?: Permission; afterRequest?: Permission; path?: string } = {},
) {
  const path = options.path ?? (file instanceof File ? file.name : 'gone');
  const spies = {
    getFile: vi.fn(() => (file instanceof Error ? Promise.reject(file) : Promise.resolve(file))),
    requestPermission: vi.fn(() => Promise.resolve(options.afterRequest ?? 'granted')),
  };
  const handle = {
    kind: 'file' as const,
    name: file instanceof File ? file.name : 'gone',
    path,
    spies,
    getFile: spies.getFile,
    isSameEntry: (other: { path?: string }) => Promise.resolve(other.path === path),
    queryPermission: () => Promise.resolve(options.permission ?? 'granted'),
    requestPermission: spies.requestPermission,
  };
  return handle as unknown as FileSystemFileHandle & { readonly spies: typeof spies };
}

const dump = (name: string, size: number) => new File([new Uint8Array(size)], name);

describe('indexedDbStore', () => {
  it('keeps entries across store instances, the most recently opened first, and forgets one', async () => {
    const factory = new IDBFactory();
    const first = indexedDbStore(factory, 'test');
    await first.put({ key: recentKey('a.core', 10), name: 'a.core', size: 10, openedAt: 1000 });
    await first.put({ key: recentKey('b.core', 20), name: 'b.core', size: 20, openedAt: 3000 });
    await first.put({ key: recentKey('c.core', 30), name: 'c.core', size: 30, openedAt: 2000 });
    const again = indexedDbStore(factory, 'test');
    expect((await again.all()).map((e) => e.name)).toEqual(['b.core', 'c.core', 'a.core']);
    await again.remove(recentKey('c.core', 30));
    expect((await first.all()).map((e) => e.name)).toEqual(['b.core', 'a.core']);
  });

  it('without IndexedDB, says so instead of throwing where the store is made', async () => {
    const store = indexedDbStore(undefined, 'test');
    await expect(store.all()).rejects.toThrow('this browser has no IndexedDB');
  });

  it('rememberDump through IndexedDB: an entry without a handle is name, size and time only', async () => {
    const store = indexedDbStore(new IDBFactory(), 'test');
    await rememberDump(store, dump('core.1234', 64), undefined, 5000);
    expect(await store.all()).toEqual([
      { key: recentKey('core.1234', 64), name: 'core.1234', size: 64, openedAt: 5000 },
    ]);
  });
});

describe('rememberDump', () => {
  it('replaces the entry of the same name and size, keeps a same-named dump of another size', async () => {
    const store = memoryStore();
    await rememberDump(store, dump('core', 10), undefined, 1);
    await rememberDump(store, dump('core', 20), undefined, 2);
    await rememberDump(store, dump('core', 10), undefined, 3);
    expect((await store.all()).map((e) => [e.size, e.openedAt])).toEqual([
      [10, 3],
      [20, 2],
    ]);
  });

  it('replaces the entry of the same file on disk, rewritten with a new size', async () => {
    const store = memoryStore();
    const before = dump('core', 10);
    await rememberDump(store, before, fakeHandle(before, { path: '/var/tmp/core' }), 1);
    const after = dump('core', 30);
    await rememberDump(store, after, fakeHandle(after, { path: '/var/tmp/core' }), 2);
    const other = dump('core', 40);
    await rememberDump(store, other, fakeHandle(other, { path: '/home/core' }), 3);
    expect((await store.all()).map((e) => e.size)).toEqual([40, 30]);
  });

  it(`keeps the ${MAX_RECENT} most recent`, async () => {
    const store = memoryStore();
    for (let i = 0; i < MAX_RECENT + 3; i++) await rememberDump(store, dump(`core.${i}`, 8), undefined, i);
    const names = (await store.all()).map((e) => e.name);
    expect(names).toHaveLength(MAX_RECENT);
    expect(names[0]).toBe(`core.${MAX_RECENT + 2}`);
    expect(names).not.toContain('core.2');
    expect(names).toContain('core.3');
  });
});

describe('reopenDump', () => {
  const entry = (handle?: FileSystemFileHandle): RecentDump => ({
    key: recentKey('app.core', 16),
    name: 'app.core',
    size: 16,
    openedAt: 1,
    ...(handle ? { handle } : {}),
  });

  it('reads the file through its handle, which goes with the file for the next remember', async () => {
    const file = dump('app.core', 16);
    const handle = fakeHandle(file);
    const result = await reopenDump(entry(handle));
    expect(result).toEqual({ ok: true, file });
    expect(handleOf(file)).toBe(handle);
    expect(handle.spies.requestPermission).not.toHaveBeenCalled();
  });

  it('asks for permission when the browser wants it, and says so when it is refused', async () => {
    const file = dump('app.core', 16);
    const granted = fakeHandle(file, { permission: 'prompt', afterRequest: 'granted' });
    expect(await reopenDump(entry(granted))).toEqual({ ok: true, file });
    expect(granted.spies.requestPermission).toHaveBeenCalledWith({ mode: 'read' });
    const refused = fakeHandle(file, { permission: 'prompt', afterRequest: 'denied' });
    expect(await reopenDump(entry(refused))).toEqual({
      ok: false,
      message: 'permission to read app.core was not given: pick the file again',
    });
    expect(refused.spies.getFile).not.toHaveBeenCalled();
  });

  it('says to pick the file again when there is no handle, or the file moved', async () => {
    expect(await reopenDump(entry())).toEqual({
      ok: false,
      message: 'app.core was opened without a handle to it: pick the file again',
    });
    const gone = fakeHandle(new DOMException('A requested file could not be found', 'NotFoundError'));
    expect(await reopenDump(entry(gone))).toEqual({
      ok: false,
      message: 'app.core is no longer where it was opened from: pick it again',
    });
  });
});

describe('consumeLaunch', () => {
  it('opens the launched files with their handles, through the same path as picked files', async () => {
    const file = dump('launched.core', 8);
    const handle = fakeHandle(file);
    const onFiles = vi.fn();
    const onProblem = vi.fn();
    await consumeLaunch({ files: [handle] }, onFiles, onProblem);
    expect(onFiles).toHaveBeenCalledWith([file]);
    expect(handleOf(file)).toBe(handle);
    expect(onProblem).not.toHaveBeenCalled();
  });

  it('does nothing for a launch without files, and says why a file could not be read', async () => {
    const onFiles = vi.fn();
    const onProblem = vi.fn();
    await consumeLaunch({ files: [] }, onFiles, onProblem);
    expect(onFiles).not.toHaveBeenCalled();
    expect(onProblem).not.toHaveBeenCalled();
    const gone = fakeHandle(new DOMException('A requested file could not be found', 'NotFoundError'));
    await consumeLaunch({ files: [gone] }, onFiles, onProblem);
    expect(onFiles).not.toHaveBeenCalled();
    expect(onProblem).toHaveBeenCalledWith('gone could not be read: A requested file could not be found');
    const folder = { kind: 'directory', name: 'dumps' } as FileSystemHandle;
    await consumeLaunch({ files: [folder] }, onFiles, onProblem);
    expect(onProblem).toHaveBeenLastCalledWith('only folders were given: open a core dump file');
  });
});
