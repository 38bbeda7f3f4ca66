// Preload that times every better-sqlite3 statement by its SQL text, per thread, and writes the
// totals to $LG_SQL_TIME_DIR/sqltime-<pid>-<thread>.txt (default: the OS temp folder) every 5 s
// and at exit. Worker threads inherit it.
//   NODE_OPTIONS="--require ./bench/sql-time.cjs" node bench/service-load.mjs --ingest-seconds 30 …
// Multi-row VALUES lists are folded to "(…rows)", so one statement shape is one line.
// With LG_SLOW_MS=N it also lists, with their wall-clock times, every statement that took ≥ N ms
// and every event-loop stall ≥ N ms (a 5 ms timer that fired late), in sqlslow-<pid>-<thread>.txt
// (each line: wall clock, then monotonic µs, the clock of a --cpu-prof profile's timestamps):
// lined up with the client's worst seconds, they say which thread held a slow request up; and
// every collector pause of 1 ms or more (logged at its start). bench/tail-episodes.mjs
// lines them up with the client's LG_LATENCIES file.
const { threadId } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require(require.resolve('better-sqlite3', { paths: [process.cwd(), __dirname] }));

const dir = process.env.LG_SQL_TIME_DIR ?? os.tmpdir();
const statementPrototype = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const totals = new Map();
const slowMs = Number(process.env.LG_SLOW_MS ?? 0);
const slow = [];
/** Logs `what` as of `atMs` (performance.now() time; default now), on both clocks. */
const noteSlow = (what, atMs = performance.now()) => {
  const ago = BigInt(Math.round((performance.now() - atMs) * 1000));
  const wall = new Date(performance.timeOrigin + atMs).toISOString();
  slow.push(`${wall} ${process.hrtime.bigint() / 1000n - ago} ${what}`);
};
if (slowMs > 0) {
  // Every collection pause of 1 ms or more, with when it started (wall clock): lined up with the
  // stalls and the client's slow requests, it says which stalls were the collector.
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration >= 1) noteSlow(`gc ${kinds[e.detail?.kind]} ${e.duration.toFixed(1)} ms`, e.startTime);
    }
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last - 5 >= slowMs) noteSlow(`loop ${(now - last - 5).toFixed(1)} ms late`);
    last = now;
  }, 5).unref();
}
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = statementPrototype[method];
  statementPrototype[method] = function timed(...args) {
    const started = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const key = this.source
        .replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, '(…rows)')
        .replace(/\s+/g, ' ')
        .slice(0, 160);
      if (slowMs > 0 && ms >= slowMs) noteSlow(`sql ${ms.toFixed(1)} ms ${key}`);
      const entry = totals.get(key) ?? { ms: 0, n: 0 };
      entry.ms += ms;
      entry.n++;
      totals.set(key, entry);
    }
  };
}
const write = () => {
  const lines = [...totals]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 40)
    .map(([key, e]) => `${e.ms.toFixed(0).padStart(8)} ms ${String(e.n).padStart(8)}x  ${key}`);
  if (lines.length > 0)
    fs.writeFileSync(path.join(dir, `sqltime-${process.pid}-${threadId}.txt`), `${lines.join('\n')}\n`);
  if (slow.length > 0)
    fs.writeFileSync(path.join(dir, `sqlslow-${process.pid}-${threadId}.txt`), `${slow.join('\n')}\n`);
};
setInterval(write, 5000).unref();
process.on('exit', write);
