// Preload that times every better-sqlite3 statement by its SQL text, per thread, and writes the
// totals to $LG_SQL_TIME_DIR/sqltime-<pid>-<thread>.txt (default: the OS temp folder) every 5 s
// and at exit. Worker threads inherit it.
//   NODE_OPTIONS="--require ./bench/sql-time.cjs" node bench/service-load.mjs --ingest-seconds 30 …
// Multi-row VALUES lists are folded to "(…rows)", so one statement shape is one line.
const { threadId } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require(require.resolve('better-sqlite3', { paths: [process.cwd(), __dirname] }));

const dir = process.env.LG_SQL_TIME_DIR ?? os.tmpdir();
const statementPrototype = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const totals = new Map();
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
};
setInterval(write, 5000).unref();
process.on('exit', write);
