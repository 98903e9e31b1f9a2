/** Types for serve-static.mjs (plain Node ESM, shared by the e2e config, the specs and the browser bench). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface StaticServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function startStaticServer(options?: {
  readonly dir?: string;
  readonly base?: string;
  readonly port?: number;
  readonly host?: string;
  /** Sees each request first; returns true when it answered it. */
  readonly route?: (req: IncomingMessage, res: ServerResponse) => boolean;
}): Promise<StaticServer>;
