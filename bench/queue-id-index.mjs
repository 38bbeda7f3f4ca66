// What the queue's `event_id UNIQUE` index costs as the backlog grows: the event ids are random
// strings (hashes or the client's), so each enqueued event lands at a random place of that index
// and each ack deletes from a random place, and every B-tree page a transaction touches is written
// whole to the WAL (and again by the checkpoint). Compared with the same table keyed by
// (ts, event_id), which new events append to, and acks by queue position (`seq`): the queue as
// migrated through 0008 against the queue of migration 0009 (what the service runs since session 25).
//   node bench/queue-id-index.mjs
// Plain better-sqlite3 on a temp file, the queue table otherwise as migrated
// (`queue_bucket_seq` included), 1,000 events per enqueue, 2,000 per ack, WAL not checkpointed
// during a measurement so its growth is the pages written.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const dir = mkdtempSync(join(tmpdir(), 'lg-queue-index-'));
const PAGE = 4096;

function measure(keyedById, depth) {
  const file = join(dir, `q-${keyedById}-${depth}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec(`CREATE TABLE queue (seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL ${keyedById ? 'UNIQUE' : ''}, user_id TEXT NOT NULL, user_bucket INTEGER NOT NULL,
      ts INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, leased_until INTEGER);
    CREATE INDEX queue_bucket_seq ON queue (user_bucket, seq, user_id);
    ${keyedById ? '' : 'CREATE UNIQUE INDEX queue_ts_event ON queue (ts, event_id);'}`);
  const insert = db.prepare(
    'INSERT INTO queue (event_id, user_id, user_bucket, ts, enqueued_at) VALUES (?, ?, ?, ?, ?)',
  );
  let n = 0;
  const enqueue = db.transaction((count) => {
    for (let i = 0; i < count; i++) {
      n++;
      insert.run(`ev-${randomBytes(12).toString('hex')}`, `u${n % 20_000}`, n % 64, 1.7e12 + n * 50, 0);
    }
  });
  const oldest = db.prepare('SELECT seq, event_id FROM queue ORDER BY seq LIMIT ?');
  const byId = db.prepare('DELETE FROM queue WHERE event_id = ?');
  const bySeq = db.prepare('DELETE FROM queue WHERE seq = ?');
  const ack = db.transaction((rows) => {
    for (const r of rows) keyedById ? byId.run(r.event_id) : bySeq.run(r.seq);
  });
  for (let i = 0; i < depth / 1000; i++) enqueue(1000);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rounds = 30;
  let enqueueMs = 0;
  let ackMs = 0;
  let enqueuePages = 0;
  let ackPages = 0;
  const walPages = () => statSync(`${file}-wal`).size / PAGE;
  for (let r = 0; r < rounds; r++) {
    // Two enqueues and one ack of 2,000: the depth stays where it is.
    let before = walPages();
    let t = performance.now();
    enqueue(1000);
    enqueue(1000);
    enqueueMs += performance.now() - t;
    enqueuePages += walPages() - before;
    const rows = oldest.all(2000);
    before = walPages();
    t = performance.now();
    ack(rows);
    ackMs += performance.now() - t;
    ackPages += walPages() - before;
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  db.close();
  const per = (x) => (x / (rounds * 2000)) * 1000;
  return {
    enqueue: `${per(enqueueMs).toFixed(1)} ms, ${per(enqueuePages).toFixed(0)} WAL pages per 1,000 events`,
    ack: `${per(ackMs).toFixed(1)} ms, ${per(ackPages).toFixed(0)} WAL pages per 1,000 events`,
  };
}

for (const depth of [10_000, 100_000]) {
  for (const keyedById of [true, false]) {
    const { enqueue, ack } = measure(keyedById, depth);
    console.log(
      `${depth.toLocaleString('en-US')} waiting, ${keyedById ? 'event_id UNIQUE, ack by event_id' : '(ts, event_id) UNIQUE, ack by seq'}: enqueue ${enqueue}; ack ${ack}`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });
