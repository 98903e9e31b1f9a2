/**
 * The JS memory of a page's dedicated workers, read over the DevTools protocol (Runtime.getHeapUsage in each worker,
 * through the page's own session: Target.setAutoAttach without flattening, messages sent and received through it).
 * For tests that hold a worker to a memory bound while it streams: the workers' heaps are not the page's.
 */
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

export interface WorkerHeaps {
  /**
   * The largest JS memory among the page's dedicated workers now, in bytes: the used V8 heap plus the ArrayBuffers'
   * backing stores (where decoded bytes and a WASM decoder's memory live). 0 before any worker is attached.
   */
  readonly largestUsed: () => Promise<number>;
  readonly dispose: () => Promise<void>;
}

export async function watchWorkerHeaps(context: BrowserContext, page: Page): Promise<WorkerHeaps> {
  const cdp: CDPSession = await context.newCDPSession(page);
  const workers = new Set<string>();
  const answers = new Map<number, (usedSize: number | undefined) => void>();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.add(e.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    workers.delete(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const message = JSON.parse(e.message) as {
      id?: number;
      result?: { usedSize?: number; backingStorageSize?: number };
    };
    if (message.id === undefined) return;
    const result = message.result;
    answers.get(message.id)?.(
      result?.usedSize === undefined ? undefined : result.usedSize + (result.backingStorageSize ?? 0),
    );
    answers.delete(message.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });

  const usedIn = (sessionId: string): Promise<number | undefined> =>
    new Promise((resolve) => {
      const id = nextId++;
      answers.set(id, resolve);
      const message = JSON.stringify({ id, method: 'Runtime.getHeapUsage' });
      // A worker that ended between the listing and the question answers nothing: it counts as no heap.
      cdp.send('Target.sendMessageToTarget', { sessionId, message }).catch(() => {
        answers.delete(id);
        resolve(undefined);
      });
      setTimeout(() => {
        if (answers.delete(id)) resolve(undefined);
      }, 2_000);
    });

  return {
    largestUsed: async () => {
      const used = await Promise.all([...workers].map(usedIn));
      return Math.max(0, ...used.map((u) => u ?? 0));
    },
    dispose: () => cdp.detach(),
  };
}
