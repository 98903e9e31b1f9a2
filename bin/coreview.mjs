#!/usr/bin/env node
// The `coreview` command: runs the bundled CLI, (re)building it first when it is missing or older than the
// sources (a fresh checkout before `npm install`, or an edit during development).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'build/cli/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// Only the engine and the CLI go into the bundle: edits to the web app must not trigger a rebuild.
const sources = ['src/core', 'src/cli'].map((d) => join(root, d)).filter((d) => existsSync(d));
const stale = !existsSync(bundle) || sources.some((d) => newestSource(d) > statSync(bundle).mtimeMs);
if (stale) {
  const { buildCli } = await import(pathToFileURL(join(root, 'scripts/build-cli.mjs')).href);
  await buildCli();
}
await import(pathToFileURL(bundle).href);
