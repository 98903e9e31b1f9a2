// node-heap: a Node.js process holding some JavaScript heap, so tests can take real core dumps of a V8 process
// (see make-runtime-dump.mjs).
//
//   node node-heap.cjs READY_FILE [MAX_WAIT_SECONDS]
//
// Allocates objects, strings and Buffers (off the V8 heap) and keeps them, writes READY_FILE (READY_FILE.tmp, then a
// rename) holding the pid, then waits. Exits 3 after MAX_WAIT_SECONDS (default 600), so a forgotten process does not
// live forever.
'use strict';
const fs = require('node:fs');

const [ready, maxWait = '600'] = process.argv.slice(2);
if (ready === undefined) {
  console.error('usage: node node-heap.cjs READY_FILE [MAX_WAIT_SECONDS]');
  process.exit(2);
}
const keep = [];
for (let i = 0; i < 20000; i++) keep.push({ id: i, name: `coreview object ${i}`, values: [i, i * 2, i * 3] });
for (let i = 0; i < 64; i++) keep.push(Buffer.alloc(16 * 1024, i));
globalThis.coreviewKeep = keep;

fs.writeFileSync(`${ready}.tmp`, `${process.pid}\n`);
fs.renameSync(`${ready}.tmp`, ready);
setTimeout(() => process.exit(3), Number(maxWait) * 1000);
