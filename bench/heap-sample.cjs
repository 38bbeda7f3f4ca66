// Preload that samples what the server's threads allocate and keep: V8's sampling heap profiler,
// started LG_HEAP_FROM_MS after each thread starts and stopped at LG_HEAP_TO_MS, written to
// $LG_HEAP_DIR/heap-<pid>-<thread>.json (a HeapProfiler sampling profile). Objects freed by a
// scavenge are left out, so what remains is what outlived one, mostly what reached the old
// generation: what makes full collections come often. With LG_HEAP_LIVE=1, objects freed by a full
// collection are left out too: what the heap holds at the end; with LG_HEAP_ALL=1 nothing is left
// out (everything allocated: what makes scavenges come often). Worker threads only, unless
// LG_HEAP_MAIN=1.
//   NODE_OPTIONS="--require ./bench/heap-sample.cjs" LG_HEAP_FROM_MS=14000 LG_HEAP_TO_MS=30000 \
//     node bench/service-load.mjs --ingest-seconds 5 --ingest-rate 5000 --assess-seconds 20
// Summarise a file by allocating function with bench/heap-summary.mjs.
const { isMainThread, threadId } = require('node:worker_threads');
const inspector = require('node:inspector');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

if (!isMainThread || process.env.LG_HEAP_MAIN) {
  const session = new inspector.Session();
  session.connect();
  const from = Number(process.env.LG_HEAP_FROM_MS ?? 10_000);
  const to = Number(process.env.LG_HEAP_TO_MS ?? 30_000);
  const dir = process.env.LG_HEAP_DIR ?? os.tmpdir();
  setTimeout(() => {
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 8192,
      includeObjectsCollectedByMajorGC: !process.env.LG_HEAP_LIVE,
      includeObjectsCollectedByMinorGC: Boolean(process.env.LG_HEAP_ALL),
    });
    setTimeout(() => {
      session.post('HeapProfiler.stopSampling', (err, result) => {
        if (err) return;
        fs.writeFileSync(
          path.join(dir, `heap-${process.pid}-${threadId}.json`),
          JSON.stringify(result.profile),
        );
      });
    }, to - from).unref();
  }, from).unref();
}
