// The synchronous path without HTTP: a Scorer on a SQLite file (as the scoring thread has it),
// a month of queued logins for --users users scored first, then assessNow at --rate per second
// for --seconds, each request sent at its scheduled time; prints latency percentiles measured
// from each request's scheduled time. Isolates the scorer from HTTP, the thread hop
// and the client (bench/service-load.mjs measures the whole). With --thread the scorer runs on its
// own thread as in the server (ThreadedScoring), requests crossing by message.
// With --ingest-rate N, N events/s more are queued (batches of 1,000) while the requests run, so
// the worker scores them meanwhile: the synchronous path under live ingest.
//   npm run build && node bench/assess-path.mjs [--rate 1000] [--seconds 20] [--users 20000]
//                                              [--synchronous full|normal] [--flush-ms 5000] [--thread]
//                                              [--ingest-rate 0]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { resolveScoringConfig } from '../dist/config/resolve-config.js';
import { scoringHeapLimitMb } from '../dist/config/service-config.js';
import { createEnricher } from '../dist/enrich/create-enricher.js';
import { validateEvent } from '../dist/event/validate-event.js';
import { SqliteQueue } from '../dist/queue/sqlite-queue.js';
import { generateDataset } from '../dist/simulate/generate-dataset.js';
import { openSqliteDatabase } from '../dist/store/database.js';
import { migrateToLatest } from '../dist/store/migrations.js';
import { LocalScoring } from '../dist/worker/local-scoring.js';
import { ThreadedScoring } from '../dist/worker/threaded-scoring.js';

const { values: opts } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    users: { type: 'string', default: '20000' },
    warm: { type: 'string', default: '30000' },
    synchronous: { type: 'string', default: 'full' },
    'flush-ms': { type: 'string', default: '5000' },
    thread: { type: 'boolean', default: false },
    'ingest-rate': { type: 'string', default: '0' },
  },
});
const rate = Number(opts.rate);
const seconds = Number(opts.seconds);
const dir = mkdtempSync(join(tmpdir(), 'lg-assess-'));
const file = join(dir, 'lg.db');
const scoring = resolveScoringConfig();
const setup = openSqliteDatabase(file);
await migrateToLatest(setup);
await setup.destroy();
const db = openSqliteDatabase(file, { synchronous: opts.synchronous });
const reader = openSqliteDatabase(file, { backgroundCheckpoint: false });
// As the server's scoring thread has it: the worker is the queue's only consumer.
const queue = new SqliteQueue(db, { maxAttempts: 5, reader, singleConsumer: true });
// Alerting is the main thread's; this bench has none.
const alerts = { enabled: false, rules: [], tenants: {} };

const DAY = 86_400_000;
const start = new Date(Math.floor(Date.now() / DAY) * DAY - 31 * DAY).toISOString().slice(0, 10);
const events = [];
const ingestRate = Number(opts['ingest-rate']);
const need = Number(opts.warm) + rate * seconds + ingestRate * seconds;
for (const r of generateDataset({ users: Number(opts.users), days: 30, seed: 99, start }).records) {
  const v = validateEvent(JSON.parse(JSON.stringify(r)), { maxTimestampMs: Date.now() + DAY });
  if (v.ok) events.push(v.event);
  if (events.length >= need) break;
}
const warm = events.slice(0, Number(opts.warm));
// With --ingest-rate, the month's next stretch is queued in batches of 1,000 while the synchronous
// requests (the logins after it) run: the worker scores them meanwhile, as under live ingest.
const feed = events.slice(Number(opts.warm), Number(opts.warm) + ingestRate * seconds);
const sync = events.slice(Number(opts.warm) + feed.length);

const log = pino({ level: 'warn' });
const assessing = opts.thread
  ? await ThreadedScoring.open(
      {
        file,
        synchronous: opts.synchronous,
        busyTimeoutMs: 5000,
        scoring,
        modelsDir: undefined,
        logLevel: 'warn',
        batchSize: 2000,
        leaseMs: 60_000,
        maxAttempts: 5,
        alerts,
        runWorker: true,
        profileFlushMs: Number(opts['flush-ms']),
        maxCachedUsers: 200_000,
        heapLimitMb: scoringHeapLimitMb({ scoringHeapMb: 0, profileCacheUsers: 200_000 }),
      },
      {},
      log,
    )
  : new LocalScoring({
      db,
      readDb: reader,
      queue,
      enricher: createEnricher(),
      scoring,
      log,
      alerts,
      batchSize: 2000,
      leaseMs: 60_000,
      runWorker: true,
      profileFlushMs: Number(opts['flush-ms']),
    });
for (let i = 0; i < warm.length; i += 1000) await queue.enqueue(warm.slice(i, i + 1000), Date.now());
const t = Date.now();
await assessing.drain();
console.log(`warm-up: ${warm.length} events queued and scored in ${((Date.now() - t) / 1000).toFixed(1)} s`);

const latencies = [];
const answers = [];
const began = performance.now();
let fed = 0;
const feeder =
  ingestRate > 0
    ? setInterval(() => {
        const batch = feed.slice(fed, fed + 1000);
        fed += batch.length;
        if (batch.length > 0) queue.enqueue(batch, Date.now()).catch((err) => console.error(err.message));
      }, 1_000_000 / ingestRate)
    : undefined;
let sent = 0;
await new Promise((resolve) => {
  const tick = () => {
    const due = Math.min(sync.length, Math.floor(((performance.now() - began) / 1000) * rate));
    while (sent < due) {
      const scheduled = began + (sent * 1000) / rate;
      const ev = sync[sent++];
      answers.push(
        assessing.assessNow(ev).then(
          () => latencies.push(performance.now() - scheduled),
          (err) => console.error(err.message),
        ),
      );
    }
    if (sent >= sync.length || performance.now() - began > seconds * 1000) resolve();
    // On the scorer's own thread, a spinning client would take a core from it: wake every ms instead.
    else if (opts.thread) setTimeout(tick, 1);
    else setImmediate(tick);
  };
  tick();
});
clearInterval(feeder);
// Every answer (its ack included) before the figures and the close.
await Promise.all(answers);
if (ingestRate > 0) console.log(`queued meanwhile: ${fed} events at ${ingestRate}/s`);
if (opts.thread) await assessing.drain();
else await assessing.scorer.flushed();
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
console.log(
  `assessNow at ${rate}/s for ${seconds} s: ${latencies.length} answered; ms p50 ${q(0.5)}, p90 ${q(0.9)}, p99 ${q(0.99)}, max ${latencies[latencies.length - 1].toFixed(1)}`,
);
await assessing.close();
await queue.close();
await reader.destroy();
await db.destroy();
rmSync(dir, { recursive: true, force: true });
