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

const stale = !existsSync(bundle) || (existsSync(join(root, 'src')) && newestSource(join(root, 'src')) > statSync(bundle).mtimeMs);
if (stale) {
  const { buildCli } = await import(pathToFileURL(join(root, 'scripts/build-cli.mjs')).href);
  await buildCli();
}
await import(pathToFileURL(bundle).href);
