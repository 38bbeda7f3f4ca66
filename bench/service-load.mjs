// Load test of the service over real HTTP, clients on the same machine (autocannon for ingest,
// bench/open-loop-client.mjs for the synchronous endpoint).
//   node bench/service-load.mjs [--ingest-seconds 60] [--ingest-rate EVENTS_PER_S] [--assess-seconds 60]
//                               [--assess-rate 1000] [--assess-warmup 3] [--batch 1000]
//                               [--ingest-warmup 0] [--users 20000] [--days 30] [--event-ids sequential|uuid]
// 1. Batch ingest: POST /v1/events with batches of --batch generated events, as fast as the
//    server takes them (or at --ingest-rate events/s), for --ingest-seconds; samples queue depth,
//    scored count and server RSS every second, and reports events/s accepted and scored. With
//    --ingest-warmup S the same load runs S seconds first, not counted: the figures (RSS at start
//    included) are then those of a server in its steady state, caches full, rather than of one
//    that starts empty. Each generated user has --days days of logins (a month lasts ~75 s at
//    20,000/s: give more days for longer runs). The generator numbers its events in time order
//    (`ev-99-0`, `ev-99-1`, …); `--event-ids uuid` gives each a random UUID instead, as identity
//    providers send, so that what is keyed by event id alone is written at random places.
// Server settings come from the environment (LOGINGUARD_*), e.g. LOGINGUARD_SCORING_THREAD=false;
// LG_PROF=DIR profiles every server thread, LG_SERVER_FLAGS sets its Node flags (default: those of
// `npm start`, docs/API.md "Node flags"; `LG_SERVER_FLAGS=` for V8's defaults, add e.g. --trace-gc) and
// LG_SERVER_STDOUT=FILE keeps the server's stdout; LG_CLIENT_FLAGS adds Node flags to the assess client.
// 2. Synchronous assess: POST /v1/assess at a fixed --assess-rate requests/s (evenly spaced, open
//    loop) for --assess-seconds after --assess-warmup seconds of the same (reported apart);
//    reports latency percentiles.
// Needs `npm run build` first. Prints a summary block for docs/BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon from 'autocannon';
import { generateDataset } from '../dist/simulate/generate-dataset.js';

const { values: opts } = parseArgs({
  options: {
    'ingest-seconds': { type: 'string', default: '60' },
    'ingest-rate': { type: 'string' },
    'assess-seconds': { type: 'string', default: '60' },
    'assess-rate': { type: 'string', default: '1000' },
    'assess-warmup': { type: 'string', default: '3' },
    'ingest-warmup': { type: 'string', default: '0' },
    days: { type: 'string', default: '30' },
    'event-ids': { type: 'string', default: 'sequential' },
    batch: { type: 'string', default: '1000' },
    users: { type: 'string', default: '20000' },
    synchronous: { type: 'string', default: 'full' },
  },
});
const ingestSeconds = Number(opts['ingest-seconds']);
const ingestWarmup = Number(opts['ingest-warmup']);
const days = Number(opts.days);
const assessSeconds = Number(opts['assess-seconds']);
const assessWarmup = Number(opts['assess-warmup']);
const assessRate = Number(opts['assess-rate']);
const batchSize = Number(opts.batch);
const ingestRate = opts['ingest-rate'] ? Number(opts['ingest-rate']) : undefined;
// Checked before minutes of data preparation.
if (!['sequential', 'uuid'].includes(opts['event-ids'])) {
  console.error(`--event-ids ${opts['event-ids']}: sequential or uuid`);
  process.exit(2);
}
for (const [name, value, least] of [
  ['--ingest-warmup', ingestWarmup, 0],
  ['--days', days, 1],
]) {
  if (!(value >= least)) {
    console.error(`${name} ${value}: must be a number of at least ${least}`);
    process.exit(2);
  }
}
// autocannon's rate is in requests, one batch each.
if (ingestRate !== undefined && !(ingestRate >= batchSize)) {
  console.error(
    `--ingest-rate ${opts['ingest-rate']}: must be at least --batch (${batchSize}) events/s, one request a second`,
  );
  process.exit(2);
}
const KEY = `lg_${'l'.repeat(43)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'lg-load-'));

// Events: --days generated days (a month by default) for --users users, ending today, in time
// order (about 72 logins per user a month).
const DAY = 86_400_000;
const start = new Date(Math.floor(Date.now() / DAY) * DAY - (days + 1) * DAY).toISOString().slice(0, 10);
const t0 = Date.now();
const assessCount = Math.round((assessSeconds + assessWarmup) * assessRate);
const needed = Math.ceil((ingestWarmup + ingestSeconds) * 40_000) + assessCount + batchSize;
const all = [];
for (const r of generateDataset({ users: Number(opts.users), days, seed: 99, start }).records) {
  all.push(opts['event-ids'] === 'uuid' ? { ...r, eventId: randomUUID() } : r);
  if (all.length >= needed) break;
}
const assessEvents = all.splice(all.length - Math.min(all.length - batchSize, assessCount));
const bodies = [];
for (let i = 0; i + batchSize <= all.length; i += batchSize)
  bodies.push(JSON.stringify(all.slice(i, i + batchSize)));
const assessBodies = assessEvents.map((e) => JSON.stringify(e));
console.log(
  `prepared ${bodies.length} batches of ${batchSize} and ${assessBodies.length} single events in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);

// The server gets the Node flags `npm start` gives it (package.json).
const startWords = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start.split(' ');
const NPM_START_FLAGS = startWords.slice(1, startWords.indexOf('bin/loginguard.js')).join(' ');
const server = spawn(
  process.execPath,
  [
    ...(process.env.LG_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.LG_PROF] : []),
    ...(process.env.LG_SERVER_FLAGS ?? NPM_START_FLAGS).split(' ').filter(Boolean),
    'bin/loginguard.js',
    'start',
    '--port',
    '0',
    '--data-dir',
    dataDir,
  ],
  {
    env: {
      ...process.env,
      LOGINGUARD_ADMIN_KEY: KEY,
      LOGINGUARD_LOG_LEVEL: 'warn',
      LOGINGUARD_SQLITE_SYNCHRONOUS: opts.synchronous,
      // Rules only, as every figure in docs/BENCHMARKS.md: no models fitted mid-run after the warm-up.
      LOGINGUARD_MODELS_AUTO_FIT_AFTER: process.env.LOGINGUARD_MODELS_AUTO_FIT_AFTER ?? '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
if (process.env.LG_SERVER_STDOUT) server.stdout.pipe(createWriteStream(process.env.LG_SERVER_STDOUT));
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (c) => {
    if (!out.includes('listening on')) out += c;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
};
/** The server's resident memory by kind (MB): anonymous (heaps, SQLite's page caches, malloc), file-backed, shared. */
const rssKinds = async () => {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  const mb = (name) => Math.round(kb(name) / 1024);
  const m = await metrics();
  return `anon ${mb('RssAnon')}, file ${mb('RssFile')}, shmem ${mb('RssShmem')}; V8 heaps committed: main ${m.mainHeapTotalMb}, scorer ${m.scorerHeapTotalMb}`;
};
async function metrics() {
  const text = await (await fetch(`${base}/metrics`, { headers })).text();
  const get = (re) => {
    let sum = 0;
    for (const m of text.matchAll(re)) sum += Number(m[1]);
    return sum;
  };
  return {
    depth: get(/^loginguard_queue_depth (\S+)$/gm),
    scored: get(/^loginguard_assessments_total\{[^}]*\} (\S+)$/gm),
    ingested: get(/^loginguard_events_ingested_total\{[^}]*\} (\S+)$/gm),
    rejected: get(/^loginguard_events_rejected_total(?:\{[^}]*\})? (\S+)$/gm),
    unwritten: get(/^loginguard_baselines_unwritten (\S+)$/gm),
    cached: get(/^loginguard_cached_users (\S+)$/gm),
    alerting: get(/^loginguard_alerting_backlog (\S+)$/gm),
    scorerHeapMb: Math.round(get(/^loginguard_scorer_heap_used_bytes (\S+)$/gm) / 1048576),
    scorerLiveMb: Math.round(get(/^loginguard_scorer_heap_live_bytes (\S+)$/gm) / 1048576),
    scorerHeapTotalMb: Math.round(get(/^loginguard_scorer_heap_total_bytes (\S+)$/gm) / 1048576),
    mainHeapMb: Math.round(get(/^loginguard_nodejs_heap_size_used_bytes (\S+)$/gm) / 1048576),
    mainHeapTotalMb: Math.round(get(/^loginguard_nodejs_heap_size_total_bytes (\S+)$/gm) / 1048576),
    externalMb: Math.round(get(/^loginguard_nodejs_external_memory_bytes (\S+)$/gm) / 1048576),
  };
}

/** CPU seconds (user + system) of each server thread so far, by thread id (Linux /proc). */
function threadCpu() {
  const out = new Map();
  try {
    for (const tid of readdirSync(`/proc/${server.pid}/task`)) {
      const stat = readFileSync(`/proc/${server.pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // No /proc: no CPU figures.
  }
  return out;
}

// Phase 1: batch ingest.
const rssIdle = rssMb();
const samples = [];
const sampler = setInterval(async () => {
  const m = await metrics();
  samples.push({ t: Date.now(), rss: rssMb(), ...m });
}, 1000);
// Each batch is sent until it gets its 202, like a client that retries on 503 (backpressure), and
// never twice after that: re-sent batches would be parsed, validated and checked only to be found
// duplicates, and that work would take the cores from scoring (before 2026-11-28 a refused batch was
// skipped and the batches sent again from the start once they ran out: 3 of every 4 events the
// server parsed in a 60 s run were duplicates). The generated month lasts 75 s at 20,000 events/s;
// when it runs out the run stops early and says so.
let next = 0;
const retry = [];
let batches202 = 0;
let ranOutAt;
/** Sends the batches, from where the last call stopped, for `seconds`. */
function sendBatches(seconds) {
  const tracker = autocannon({
    url: `${base}/v1/events`,
    connections: 4,
    ...(ingestRate ? { overallRate: ingestRate / batchSize } : {}),
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req, context) => {
          const i = retry.length > 0 ? retry.shift() : next < bodies.length ? next++ : undefined;
          if (i === undefined) {
            // Out of data: the run ends at autocannon's next tick; until then, cheap requests.
            ranOutAt ??= Date.now();
            tracker.stop();
            context.batch = undefined;
            return { ...req, method: 'GET', path: '/healthz', body: undefined };
          }
          context.batch = i;
          return { ...req, body: bodies[i] };
        },
        onResponse: (status, _body, context) => {
          if (context.batch === undefined) return;
          if (status === 202) batches202++;
          else retry.push(context.batch);
        },
      },
    ],
  });
  return tracker;
}
if (ingestWarmup > 0) {
  await sendBatches(ingestWarmup);
  if (ranOutAt) {
    console.error(`the generated data ran out during the warm-up: give more --days or --users`);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(2);
  }
}
const warmupSamples = samples.length;
const rssStart = rssMb();
const rssKindsStart = await rssKinds();
// The ingest window's own figures: CPU of each server thread and events scored, at its start and end.
const cpuStart = threadCpu();
const atStart = await metrics();
const scoredAtStart = { t: Date.now(), scored: atStart.scored };
batches202 = 0;
const ingestStart = Date.now();
const ingest = await sendBatches(ingestSeconds);
const ingestEnd = ranOutAt ?? Date.now();
const cpuEnd = threadCpu();
const scoredAtEnd = { t: Date.now(), scored: (await metrics()).scored };
const scoredIn = scoredAtEnd.scored - scoredAtStart.scored;
const ingestElapsed = (ingestEnd - ingestStart) / 1000;
if (ranOutAt)
  console.log(
    `\n!! the generated data ran out after ${ingestElapsed.toFixed(1)} s: figures below are over that time`,
  );
/** Polls the server's metrics every 500 ms until `done(metrics)` (or `maxMs`); returns the last. */
async function metricsWhen(done, maxMs = Number.POSITIVE_INFINITY) {
  const started = Date.now();
  let m = await metrics();
  while (!done(m) && Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 500));
    m = await metrics();
  }
  return m;
}

// Let the worker finish what was accepted.
const drained = await metricsWhen((m) => m.depth === 0);
const drainedAt = Date.now();
clearInterval(sampler);
// What the server counted as queued (a 202 may carry per-item rejections or duplicates), and
// scored, since the measured window began.
const accepted = drained.ingested - atStart.ingested;
const scoredAll = drained.scored - atStart.scored;
const rejected = drained.rejected - atStart.rejected;
const measured = samples.slice(warmupSamples);
const maxDepth = Math.max(...measured.map((s) => s.depth));
const rssAfterIngest = rssMb();
const rssKindsAfterIngest = await rssKinds();
console.log(
  `\n== batch ingest: ${ingestSeconds} s${ingestWarmup > 0 ? ` after ${ingestWarmup} s of the same load (warm-up, not counted)` : ''}, ${batchSize} events per request, 4 connections${ingestRate ? `, at ${ingestRate} events/s` : ', as fast as accepted'}`,
);
if (ingestWarmup > 0)
  console.log(
    `warm-up: server RSS ${rssIdle} MB idle, ${rssStart} MB at its end; by second: ${samples
      .slice(0, warmupSamples)
      .map((s) => s.rss)
      .join(' ')}; queue depth at its end ${atStart.depth.toLocaleString('en-US')}`,
  );
console.log(
  `requests: ${batches202} × 202, ${ingest.non2xx} other (refused batches are sent again), ${ingest.errors} errors; latency p50 ${ingest.latency.p50} ms, p99 ${ingest.latency.p99} ms`,
);
console.log(
  `accepted: ${accepted.toLocaleString('en-US')} events = ${Math.round(accepted / ingestElapsed).toLocaleString('en-US')} events/s (${(batches202 * batchSize).toLocaleString('en-US')} sent in 202'd requests; ${rejected.toLocaleString('en-US')} rejected as invalid)`,
);
console.log(
  `scored: ${scoredAll.toLocaleString('en-US')} events; queue depth max ${maxDepth.toLocaleString('en-US')}, drained ${((drainedAt - ingestEnd) / 1000).toFixed(1)} s after the load stopped → scored ${Math.round(scoredAll / ((drainedAt - ingestEnd) / 1000 + ingestElapsed)).toLocaleString('en-US')} events/s overall`,
);
console.log(
  `scored while the load ran: ${Math.round(scoredIn / ((scoredAtEnd.t - scoredAtStart.t) / 1000)).toLocaleString('en-US')} events/s`,
);
if (cpuEnd.size > 0) {
  // CPU per scored event says what a change saved even when neighbours on the machine slow the run
  // (throughput alone varied ±15% between runs of one build). The scoring thread is the busiest
  // thread after the main one.
  const used = [...cpuEnd].map(([tid, s]) => ({ tid, s: s - (cpuStart.get(tid) ?? 0) }));
  const main = used.find((u) => u.tid === server.pid)?.s ?? 0;
  const others = used.filter((u) => u.tid !== server.pid).sort((a, b) => b.s - a.s);
  const scoring = others[0]?.s ?? 0;
  const rest = others.slice(1).reduce((sum, u) => sum + u.s, 0);
  const perEvent = (sec) => ((sec * 1e6) / scoredIn).toFixed(1);
  console.log(
    `server CPU while the load ran: main ${main.toFixed(1)} s, scoring thread ${scoring.toFixed(1)} s, other threads ${rest.toFixed(1)} s of ${ingestElapsed.toFixed(1)} s; per event scored meanwhile: ${perEvent(main)} / ${perEvent(scoring)} / ${perEvent(rest)} µs`,
  );
}
console.log(`queue depth by second: ${measured.map((s) => s.depth).join(' ')}`);
console.log(
  `server RSS: ${rssStart} MB at start (${rssKindsStart}), ${rssAfterIngest} MB after ingest (${rssKindsAfterIngest}); by second: ${measured.map((s) => s.rss).join(' ')}`,
);
console.log(
  `every 10 s since the load began${ingestWarmup > 0 ? ' (warm-up included)' : ''}, RSS / main heap / main external / scorer heap / its live part after the last full GC (MB) / users cached / waiting for alerting: ${samples
    .filter((_, i) => i % 10 === 9)
    .map(
      (s) =>
        `${s.rss}/${s.mainHeapMb}/${s.externalMb}/${s.scorerHeapMb}/${s.scorerLiveMb}/${s.cached}/${s.alerting}`,
    )
    .join(' ')}`,
);

// Phase 2: synchronous assessments at a fixed rate, evenly spaced (open loop), from a client
// process of its own (bench/open-loop-client.mjs says why not autocannon). It starts once the
// baselines the ingest changed are written (write-behind), so each phase is measured on its own.
const settleStart = Date.now();
const settled = await metricsWhen((m) => m.unwritten === 0, 120_000);
console.log(
  `\nbaselines written ${((Date.now() - settleStart) / 1000).toFixed(1)} s after the queue drained; scorer: ${settled.cached.toLocaleString('en-US')} users cached, heap ${settled.scorerHeapMb} MB; alerting backlog ${settled.alerting.toLocaleString('en-US')} (drains during the assess phase); server RSS ${rssMb()} MB`,
);
all.length = 0;
bodies.length = 0;
const bodiesFile = join(dataDir, 'assess-bodies.json');
writeFileSync(bodiesFile, JSON.stringify(assessBodies));
// Collect the ingest's hundreds of MB of prepared batches now: left to V8, this process's full
// collections (14–26 ms) ran during the assess phase, on the same two cores as the server.
setFlagsFromString('--expose-gc');
runInNewContext('gc')();
const client = spawn(
  process.execPath,
  [
    ...(process.env.LG_CLIENT_FLAGS?.split(' ').filter(Boolean) ?? []),
    'bench/open-loop-client.mjs',
    `${base}/v1/assess`,
    KEY,
    bodiesFile,
    String(assessRate),
    String(assessSeconds),
    String(assessWarmup),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let clientOut = '';
client.stdout.on('data', (c) => {
  clientOut += c;
});
await new Promise((resolve) => client.once('exit', resolve));
const assess = JSON.parse(clientOut);
console.log(
  `\n== POST /v1/assess at ${assessRate}/s for ${assessSeconds} s after ${assessWarmup} s of warm-up, open loop (keep-alive, up to 64 connections)`,
);
if (assess.warmup)
  console.log(
    `warm-up (first ${assessWarmup} s, not in the figures below): p50 ${assess.warmup.p50}, p99 ${assess.warmup.p99}, max ${assess.warmup.max}`,
  );
console.log(
  `requests: ${assess.ok} × 200, ${assess.other} other, ${assess.errors} errors in ${assess.seconds.toFixed(1)} s`,
);
console.log(
  `latency ms from scheduled send: p50 ${assess.p50}, p90 ${assess.p90}, p99 ${assess.p99}, p99.9 ${assess.p999}, max ${assess.max}`,
);
console.log(`worst latency by second (ms, warm-up seconds first): ${assess.worstBySecond.join(' ')}`);
console.log(
  `slowest requests (due at, ms): ${assess.slowest.map((s) => `${s.at.slice(11, 23)} ${s.ms}`).join(', ')}`,
);
// The server's own view (handler start to committed assessment; no client-side queueing), from
// the histogram buckets: the share of requests answered within each bound (warm-up included).
{
  const text = await (await fetch(`${base}/metrics`, { headers })).text();
  const buckets = [
    ...text.matchAll(/^loginguard_assess_duration_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm),
  ].map((m) => [m[1], Number(m[2])]);
  const total = buckets.find(([le]) => le === '+Inf')?.[1] ?? 0;
  if (total > 0)
    console.log(
      `server-side, share answered within: ${buckets
        .filter(([le]) => le !== '+Inf')
        .map(([le, n]) => `${Number(le) * 1000} ms ${((100 * n) / total).toFixed(1)}%`)
        .join(', ')}`,
    );
}
console.log(`server RSS after assess: ${rssMb()} MB`);

server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
const mailDir = join(dataDir, 'mail');
const mails = existsSync(mailDir) ? readdirSync(mailDir) : [];
console.log(`alert mails written (user and team, .eml files): ${mails.length.toLocaleString('en-US')}`);
if (process.env.LG_KEEP_DATA) console.log(`data directory kept (LG_KEEP_DATA): ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });
