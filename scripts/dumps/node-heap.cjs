// node-heap: a Node.js process holding some JavaScript heap, so tests can take real core dumps of a V8 process
// (see make-runtime-dump.mjs).
//
//   node node-heap.cjs READY_FILE [MAX_WAIT_SECONDS] [idle|js-wait]
//
// Allocates objects, strings and Buffers (off the V8 heap) and keeps them, writes READY_FILE (READY_FILE.tmp, then a
// rename) holding the pid, then waits. Exits 3 after MAX_WAIT_SECONDS (default 600), so a forgotten process does not
// live forever.
//
// - idle (the default): the main thread waits in the event loop (a timer), so no JavaScript is on any stack.
// - js-wait: the main thread waits INSIDE JavaScript, at the end of a chain of named functions
//   (coreviewServeRequests → coreviewHandleRequest → coreviewWaitForReply), blocked in Atomics.wait on a
//   SharedArrayBuffer nobody notifies. The ready file is written by the innermost function, just before the wait, so
//   a dump taken after it shows those frames (named in the perf map under --perf-basic-prof, and walkable under
//   --interpreted-frames-native-stack).
'use strict';
const fs = require('node:fs');

const [ready, maxWait = '600', mode = 'idle'] = process.argv.slice(2);
if (ready === undefined || (mode !== 'idle' && mode !== 'js-wait')) {
  console.error('usage: node node-heap.cjs READY_FILE [MAX_WAIT_SECONDS] [idle|js-wait]');
  process.exit(2);
}
const keep = [];
for (let i = 0; i < 20000; i++) keep.push({ id: i, name: `coreview object ${i}`, values: [i, i * 2, i * 3] });
for (let i = 0; i < 64; i++) keep.push(Buffer.alloc(16 * 1024, i));
globalThis.coreviewKeep = keep;

function signalReady() {
  fs.writeFileSync(`${ready}.tmp`, `${process.pid}\n`);
  fs.renameSync(`${ready}.tmp`, ready);
}

if (mode === 'idle') {
  signalReady();
  setTimeout(() => process.exit(3), Number(maxWait) * 1000);
} else {
  // Three distinct functions (not one recursive one) so each frame's name says where it is in the chain.
  const cell = new Int32Array(new SharedArrayBuffer(4));
  function coreviewWaitForReply(depth) {
    signalReady();
    return Atomics.wait(cell, 0, 0, Number(maxWait) * 1000) + depth;
  }
  function coreviewHandleRequest(depth) {
    return coreviewWaitForReply(depth + 1) + 'handled';
  }
  function coreviewServeRequests() {
    return coreviewHandleRequest(1) + 'served';
  }
  coreviewServeRequests();
  process.exit(3);
}
