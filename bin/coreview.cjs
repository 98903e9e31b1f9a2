#!/usr/bin/env node
// The `coreview` command: runs the bundled CLI, (re)building it first when it is missing or older than the
// sources (a fresh checkout before `npm install`, or an edit during development). CommonJS like the bundle, so
// starting the command never spins up Node's ESM loader (see scripts/build-cli.mjs).
'use strict';
const { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const root = join(__dirname, '..');
const bundle = join(root, 'build/cli/main.cjs');
const codeCache = `${bundle}.v8-${process.version}.cache`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Runs the bundle through V8's code cache: the bytecode of every function the previous run compiled, so this run
 * skips parsing and compiling them (part of the start the bench's `coreview --version` row times). The cache is
 * written
 * after a run that had none or whose cache V8 rejected (another Node version or V8 flags); it is only an
 * optimisation, so a read-only install or any failure to write it is ignored.
 */
function runBundle() {
  const source = readFileSync(bundle, 'utf8');
  let cachedData;
  try {
    if (statSync(codeCache).mtimeMs >= statSync(bundle).mtimeMs) cachedData = readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapper, { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const temp = `${codeCache}.${process.pid}`;
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, codeCache);
      } catch {
        // not writable: run without a cache
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, bundle, dirname(bundle));
}

// Only the engine and the CLI go into the bundle: edits to the web app must not trigger a rebuild.
const sources = ['src/core', 'src/cli'].map((d) => join(root, d)).filter((d) => existsSync(d));
const stale = !existsSync(bundle) || sources.some((d) => newestSource(d) > statSync(bundle).mtimeMs);
if (stale) {
  import(pathToFileURL(join(root, 'scripts/build-cli.mjs')).href).then((build) => build.buildCli()).then(runBundle);
} else {
  runBundle();
}
