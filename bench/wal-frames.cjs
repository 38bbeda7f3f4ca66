// Preload that counts the WAL frames (pages) each committed transaction appended, by the set of
// statements it ran, per thread, and writes the totals to $LG_WAL_DIR/walframes-<pid>-<thread>.txt
// (default: the OS temp folder) every 5 s and at exit. Worker threads inherit it.
//   NODE_OPTIONS="--require ./bench/wal-frames.cjs" node bench/service-load.mjs --ingest-seconds 30 …
// Each page a transaction dirties is written whole to the WAL at its commit (and copied again by
// the checkpoint): this says which writes cost pages, where sql-time.cjs says which cost time.
// How: before and after each COMMIT it reads mxFrame, the WAL's last frame, from the header of the
// `-shm` file (offset 16, see SQLite's wal.c); a WAL restarted by a checkpoint counts from 0.
const { threadId } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require(require.resolve('better-sqlite3', { paths: [process.cwd(), __dirname] }));

const dir = process.env.LG_WAL_DIR ?? os.tmpdir();
const statementPrototype = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const totals = new Map();
const shm = new Map();
const word = Buffer.alloc(4);
/** The WAL's last frame for this connection's file, or undefined when it has no -shm file. */
function lastFrame(db) {
  let fd = shm.get(db.name);
  if (fd === undefined) {
    try {
      fd = fs.openSync(`${db.name}-shm`, 'r');
    } catch {
      return undefined;
    }
    shm.set(db.name, fd);
  }
  fs.readSync(fd, word, 0, 4, 16);
  return word.readUInt32LE(0);
}
/** The statements of the transaction in progress on this thread. */
let current;
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = statementPrototype[method];
  statementPrototype[method] = function counted(...args) {
    const text = this.source.trim().toLowerCase();
    if (!this.database.name || this.database.name === ':memory:') return original.apply(this, args);
    if (text.startsWith('begin')) {
      current = new Set();
      return original.apply(this, args);
    }
    if (text !== 'commit') {
      current?.add(
        this.source
          .replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, '(…rows)')
          .replace(/\s+/g, ' ')
          .slice(0, 60),
      );
      return original.apply(this, args);
    }
    const before = lastFrame(this.database);
    const result = original.apply(this, args);
    const after = lastFrame(this.database);
    if (before !== undefined && after !== undefined) {
      const key = current ? [...current].sort().join(' | ') : '(unknown)';
      const entry = totals.get(key) ?? { frames: 0, commits: 0 };
      entry.frames += after >= before ? after - before : after;
      entry.commits++;
      totals.set(key, entry);
    }
    current = undefined;
    return result;
  };
}
const write = () => {
  const lines = [...totals]
    .sort((a, b) => b[1].frames - a[1].frames)
    .slice(0, 30)
    .map(
      ([key, e]) => `${String(e.frames).padStart(9)} frames ${String(e.commits).padStart(7)} commits  ${key}`,
    );
  if (lines.length > 0)
    fs.writeFileSync(path.join(dir, `walframes-${process.pid}-${threadId}.txt`), `${lines.join('\n')}\n`);
};
setInterval(write, 5000).unref();
process.on('exit', write);
