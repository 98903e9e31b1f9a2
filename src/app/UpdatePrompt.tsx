/** "A new version is ready — Reload to update": shown only when one waits (update-prompt.ts), until dismissed. */
import { useState, useSyncExternalStore, type ReactNode } from 'react';
import { applyUpdate, subscribeUpdates, updateState } from './update-prompt';
import './keep.css';

export function UpdatePrompt(): ReactNode {
  const state = useSyncExternalStore(subscribeUpdates, updateState);
  const [dismissed, setDismissed] = useState<string>();
  if (state === 'none' || dismissed === state) return undefined;
  return (
    <aside className="update-prompt" aria-label="Update">
      <p role="status">
        {state === 'waiting'
          ? 'A new version of coreview is ready. Reloading the page closes any dump open in it.'
          : 'A new version of coreview took over in another tab: reload this one when you are done with it.'}
      </p>
      <button type="button" onClick={() => void applyUpdate()}>
        Reload to update
      </button>
      <button type="button" className="quiet" onClick={() => setDismissed(state)}>
        Later
      </button>
    </aside>
  );
}
