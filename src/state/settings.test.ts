import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, initialSettings, parseFlags, poolSize, readSettings, writeSettings } from './settings';

function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
}

describe('settings', () => {
  it('reads URL flags, ignoring what is out of range', () => {
    expect(parseFlags('?census=off&workers=3&slice=32&depth=4')).toEqual({
      census: false,
      workers: 3,
      tuning: { sliceSize: 32 * 1024 * 1024, depth: 4 },
    });
    expect(parseFlags('?census=maybe&workers=99&slice=0&depth=x')).toEqual({ tuning: {} });
    expect(parseFlags('')).toEqual({ tuning: {} });
    expect(parseFlags('?open=sample')).toEqual({ openSample: true, tuning: {} });
    expect(parseFlags('?open=elsewhere')).toEqual({ tuning: {} });
  });

  it('keeps the census setting in storage; a URL flag wins for one load without being saved', () => {
    const storage = memoryStorage();
    expect(readSettings(storage)).toEqual(DEFAULT_SETTINGS);
    writeSettings(storage, { autoCensus: false });
    expect(readSettings(storage)).toEqual({ autoCensus: false });
    expect(initialSettings(storage, parseFlags('?census=on'))).toEqual({ autoCensus: true });
    expect(readSettings(storage)).toEqual({ autoCensus: false });
  });

  it('falls back to the defaults on unreadable storage', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(readSettings(memoryStorage({ 'coreview.settings': '{nope' }))).toEqual(DEFAULT_SETTINGS);
    expect(
      readSettings({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toEqual(DEFAULT_SETTINGS);
    expect(readSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    warn.mockRestore();
  });

  it('sizes the pool at twice the CPUs, clamped to 2..4, unless a flag says otherwise', () => {
    expect(poolSize({ tuning: {} }, 1)).toBe(2);
    expect(poolSize({ tuning: {} }, 2)).toBe(4);
    expect(poolSize({ tuning: {} }, 16)).toBe(4);
    expect(poolSize({ tuning: {} }, undefined)).toBe(2);
    expect(poolSize({ workers: 1, tuning: {} }, 16)).toBe(1);
  });
});
