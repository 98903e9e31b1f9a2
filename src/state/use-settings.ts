/** The settings as React state: the URL flags once, the stored setting, and saving a change. */
import { useCallback, useMemo, useState } from 'react';
import { initialSettings, parseFlags, writeSettings, type Settings, type UrlFlags } from './settings';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch (e) {
    // Some sandboxed frames deny storage outright: settings then last for the page's life only.
    console.warn('coreview: no localStorage', e);
    return undefined;
  }
}

export function useSettings(): {
  readonly flags: UrlFlags;
  readonly settings: Settings;
  readonly setAutoCensus: (on: boolean) => void;
} {
  const flags = useMemo(() => parseFlags(window.location.search), []);
  const [settings, setSettings] = useState<Settings>(() => initialSettings(storage(), flags));
  const setAutoCensus = useCallback((autoCensus: boolean) => {
    setSettings((s) => {
      const next = { ...s, autoCensus };
      writeSettings(storage(), next);
      return next;
    });
  }, []);
  return { flags, settings, setAutoCensus };
}
