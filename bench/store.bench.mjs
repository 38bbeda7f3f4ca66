#!/usr/bin/env node
/**
 * Storage and queue throughput (issue 4): 200,000 generated events
 *   1. enqueue alone, in batches of 1,000 (what POST /events adds to HTTP and validation);
 *   2. the round trip: enqueue 1,000 → take(1,000) → assessments.existing (redelivery check) →
 *      one transaction of assessments.insertMany + events.insertMany + profiles.putManyEncoded
 *      (the batch's users, as they stood after that batch) → ack, as the worker does;
 * on a fresh temp file with synchronous=full, then =normal. Assessments and the profile texts are
 * computed before the clock starts (real pipeline, real enricher; encodeProfile's own cost is
 * printed apart), so only the store and the queue are timed.
 *
 *   npm run build && node bench/store.bench.mjs [--events 200000] [--users 300] [--seed 7]
 *
 * Reads from dist/: rebuild after changing src/.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveScoringConfig } from '../dist/config/resolve-config.js';
import { createEnricher } from '../dist/enrich/create-enricher.js';
import { validateEvent } from '../dist/event/validate-event.js';
import { createPipeline } from '../dist/pipeline.js';
import { encodeProfile } from '../dist/profile/profile-codec.js';
import { MemoryScoringState } from '../dist/profile/scoring-state.js';
import { SqliteQueue } from '../dist/queue/sqlite-queue.js';
import { generateDataset } from '../dist/simulate/generate-dataset.js';
import { AssessmentRepository } from '../dist/store/assessment-repository.js';
import { openSqliteDatabase } from '../dist/store/database.js';
import { EventRepository } from '../dist/store/event-repository.js';
import { migrateToLatest } from '../dist/store/migrations.js';
import { ProfileRepository } from '../dist/store/profile-repository.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    users: { type: 'string', default: '300' },
    seed: { type: 'string', default: '7' },
  },
});
const TOTAL = Number(args.events);
const BATCH = 1000;
const LEASE_MS = 60_000;
/** Bytes this process (all threads) has sent to the disk so far; 0 where /proc is missing. */
function bytesWritten() {
  try {
    return Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

// ── the data, prepared before any clock starts ───────────────────────────────────────────────
const t = performance.now();
const events = [];
for (let days = 30; events.length < TOTAL; days *= 2) {
  events.length = 0;
  const run = generateDataset({ users: Number(args.users), days, seed: Number(args.seed) });
  for (const record of run.records) {
    const r = validateEvent(record);
    if (r.ok) events.push(r.event);
    if (events.length === TOTAL) break;
  }
}
const config = resolveScoringConfig();
const pipeline = createPipeline({ enricher: createEnricher(), config });
const state = new MemoryScoringState(config);
const assessments = [];
/** Per batch of BATCH events: the encoded profile of each user it touched, as of its end. */
const profilesByBatch = [];
let encodeMs = 0;
let encodes = 0;
for (let i = 0; i < events.length; i += BATCH) {
  const batch = events.slice(i, i + BATCH);
  for (const e of batch) assessments.push(pipeline.assess(e, state));
  const encoded = new Map();
  const began = performance.now();
  for (const e of batch) {
    const profile = state.profiles.get(e.userId);
    if (profile !== undefined && !encoded.has(e.userId)) encoded.set(e.userId, encodeProfile(profile));
  }
  encodeMs += performance.now() - began;
  encodes += encoded.size;
  profilesByBatch.push(encoded);
}
const assessmentOf = new Map(assessments.map((a) => [a.eventId, a]));
const avgPayload = events.slice(0, 1000).reduce((s, e) => s + JSON.stringify(e).length, 0) / 1000;
const avgBody = assessments.slice(0, 1000).reduce((s, a) => s + JSON.stringify(a).length, 0) / 1000;
console.log(
  `${fmt(events.length)} events of ${fmt(state.profiles.size)} users (event ~${fmt(avgPayload)} B, ` +
    `assessment ~${fmt(avgBody)} B) prepared in ${((performance.now() - t) / 1000).toFixed(1)} s; ` +
    `node ${process.version}`,
);
console.log(
  `encodeProfile (paid by the worker, not timed below): ${((encodeMs * 1000) / encodes).toFixed(0)} µs per profile, ` +
    `${fmt(encodes / profilesByBatch.length)} profiles per batch = ${((encodeMs * 1000) / events.length).toFixed(1)} µs per event`,
);

function tempFile() {
  const file = join(tmpdir(), `loginguard-bench-${randomUUID()}.db`);
  const size = () =>
    ['', '-wal'].reduce((s, x) => s + (statSync(file + x, { throwIfNoEntry: false })?.size ?? 0), 0);
  const remove = () => {
    for (const x of ['', '-wal', '-shm']) rmSync(file + x, { force: true });
  };
  return { file, size, remove };
}

async function open(synchronous) {
  const tmp = tempFile();
  const db = openSqliteDatabase(tmp.file, { synchronous });
  await migrateToLatest(db);
  return { ...tmp, db, queue: new SqliteQueue(db) };
}

async function enqueueAlone(synchronous) {
  const { db, queue, size, remove } = await open(synchronous);
  const began = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await queue.enqueue(events.slice(i, i + BATCH), Date.now());
  const seconds = (performance.now() - began) / 1000;
  const d0 = performance.now();
  const depth = await queue.depth(Date.now());
  const depthMs = performance.now() - d0;
  const bytes = size();
  await db.destroy();
  remove();
  return { rate: events.length / seconds, bytes, depthMs, ready: depth.ready };
}

async function roundTrip(synchronous) {
  const { db, queue, size, remove } = await open(synchronous);
  const phases = { enqueue: 0, take: 0, store: 0, ack: 0 };
  const lap = (phase, since) => {
    const now = performance.now();
    phases[phase] += now - since;
    return now;
  };
  const began = performance.now();
  const cpu0 = process.cpuUsage();
  const io0 = bytesWritten();
  for (let i = 0; i < events.length; i += BATCH) {
    let at = performance.now();
    await queue.enqueue(events.slice(i, i + BATCH), Date.now());
    at = lap('enqueue', at);
    const batch = await queue.take(BATCH, LEASE_MS, Date.now());
    at = lap('take', at);
    const taken = batch.map((q) => q.event);
    const profiles = profilesByBatch[i / BATCH];
    const now = Date.now();
    const done = await new AssessmentRepository(db).existing(taken);
    if (done.size > 0) throw new Error('redelivered events in a clean run');
    await db.transaction().execute(async (trx) => {
      await new AssessmentRepository(trx).insertMany(
        taken.map((e) => assessmentOf.get(e.eventId)),
        now,
      );
      await new EventRepository(trx).insertMany(taken, now);
      await new ProfileRepository(trx).putManyEncoded(profiles, now);
    });
    at = lap('store', at);
    await queue.ack(batch);
    lap('ack', at);
  }
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuShare = (cpu.user + cpu.system) / 1e6 / seconds;
  const kbPerEvent = (bytesWritten() - io0) / 1024 / events.length;
  const depth = await queue.depth(Date.now());
  if (depth.ready + depth.leased !== 0) throw new Error(`queue not empty: ${JSON.stringify(depth)}`);
  const bytes = size();
  await db.destroy();
  const afterClose = size();
  remove();
  return { rate: events.length / seconds, phases, bytes, afterClose, cpuShare, kbPerEvent };
}

for (const synchronous of ['full', 'normal']) {
  const e = await enqueueAlone(synchronous);
  console.log(
    `synchronous=${synchronous.padEnd(6)} enqueue alone: ${fmt(e.rate)} events/s ` +
      `(file ${mb(e.bytes)} with ${fmt(e.ready)} queued; depth() ${e.depthMs.toFixed(1)} ms)`,
  );
  const r = await roundTrip(synchronous);
  const us = (ms) => ((ms * 1000) / events.length).toFixed(1);
  console.log(
    `synchronous=${synchronous.padEnd(6)} round trip:    ${fmt(r.rate)} events/s ` +
      `(per event: enqueue ${us(r.phases.enqueue)} µs, take ${us(r.phases.take)} µs, ` +
      `store ${us(r.phases.store)} µs, ack ${us(r.phases.ack)} µs; ` +
      `CPU ${Math.round(r.cpuShare * 100)}% of one core, ${r.kbPerEvent.toFixed(1)} KB written per event; ` +
      `file ${mb(r.bytes)} incl. WAL, ${mb(r.afterClose)} after close)`,
  );
}
