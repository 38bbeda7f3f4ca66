import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import type { Enricher } from '../../src/enrich/enricher.js';
import { createPipeline, type Pipeline } from '../../src/pipeline.js';
import { encodeProfile } from '../../src/profile/profile-codec.js';
import type { QueuedEvent } from '../../src/queue/queue.js';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { AssessmentRepository } from '../../src/store/assessment-repository.js';
import { openSqliteDatabase } from '../../src/store/database.js';
import { ProfileRepository } from '../../src/store/profile-repository.js';
import { StaleWriteError } from '../../src/worker/group-commit.js';
import { type BatchOutcome, Scorer } from '../../src/worker/scorer.js';
import { generatedLoginEvents } from '../helpers/login-events.js';
import { openTestDatabase } from '../store/temp-database.js';

const config = resolveScoringConfig();
const BATCH = 50;
let enricher: Enricher;
let batches: QueuedEvent[][];
let users: string[];

beforeAll(() => {
  enricher = createEnricher();
  const events = generatedLoginEvents({ users: 30, days: 20, seed: 4004 });
  batches = [];
  for (let i = 0; i < events.length; i += BATCH)
    batches.push(
      events.slice(i, i + BATCH).map((event, k) => ({ seq: i + k, event, attempts: 1, enqueuedAt: 0 })),
    );
  users = [...new Set(events.map((e) => e.userId))];
});

const opened: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of opened) await cleanup();
});

async function newStore() {
  const t = await openTestDatabase();
  // Reads on their own connection, as in the service: they never wait for a commit in progress.
  const readDb = openSqliteDatabase(t.file, { checkpointedElsewhere: true });
  opened.push(async () => {
    await readDb.destroy();
    await t.cleanup();
  });
  const newScorer = (pipeline: Pipeline = createPipeline({ enricher, config }), commitEvery?: number) =>
    new Scorer({
      db: t.db,
      readDb,
      queue: new SqliteQueue(t.db),
      pipeline,
      scoring: config,
      leaseMs: 60_000,
      ...(commitEvery !== undefined ? { commitEvery } : {}),
    });
  return { ...t, newScorer };
}

const lines = (outcome: BatchOutcome) =>
  outcome.assessed.map(
    (a) => `${a.eventId} ${a.action} ${a.riskScore} ${a.reasons.map((r) => r.code).join(',')}`,
  );

/** What the store holds in the end: every assessment and every baseline. */
async function stored(store: Awaited<ReturnType<typeof newStore>>) {
  const assessments = await new AssessmentRepository(store.db).existing(batches.flat().map((q) => q.event));
  const profiles = await new ProfileRepository(store.db).getMany(users);
  const count = await sql<{ n: number }>`select count(*) as n from assessments`.execute(store.db);
  return {
    assessed: [...assessments].sort(),
    rows: Number(count.rows[0]?.n),
    profiles: users.map((u) => {
      const p = profiles.get(u);
      return p ? encodeProfile(p) : undefined;
    }),
  };
}

/**
 * Makes every commit that stores the assessment of `eventId` fail ('disk full (test)') until the
 * returned function is called: a trigger on the assessments table, armed by a row of its own table.
 */
async function failCommitsStoring(
  store: Awaited<ReturnType<typeof newStore>>,
  eventId: string,
): Promise<() => Promise<void>> {
  await sql`create table trap (armed integer)`.execute(store.db);
  await sql`insert into trap values (1)`.execute(store.db);
  await sql
    .raw(`create trigger trap_insert before insert on assessments
      when new.event_id = '${eventId}' and exists (select 1 from trap)
      begin select raise(abort, 'disk full (test)'); end`)
    .execute(store.db);
  return async () => {
    await sql`delete from trap`.execute(store.db);
  };
}

describe('Scorer: a failed commit', () => {
  it('is scored again from what is stored, as after a restart: the batch scored on top of it is refused, nothing doubled or lost', async () => {
    const failAt = Math.floor(batches.length / 2);
    const trapped = ((batches[failAt] as QueuedEvent[])[0] as QueuedEvent).event;

    // Reference: the batches before `failAt` by one scorer, the rest by a fresh one (a restart).
    const reference = await newStore();
    const expected: string[] = [];
    let scorer = reference.newScorer();
    for (const [i, batch] of batches.entries()) {
      if (i === failAt) {
        await scorer.close();
        scorer = reference.newScorer();
      }
      expected.push(...lines(await scorer.scoreBatch(batch)));
    }
    await scorer.close();

    // The same, but the commit of batch `failAt` fails once, while the next batch, scored on top
    // of it, waits for its turn to commit (another connection holds the write lock meanwhile, as
    // the API's enqueue does).
    const store = await newStore();
    const disarm = await failCommitsStoring(store, trapped.eventId);
    const got: string[] = [];
    const failing = store.newScorer();
    for (const batch of batches.slice(0, failAt)) got.push(...lines(await failing.scoreBatch(batch)));
    const lock = new BetterSqlite3(store.file);
    lock.exec('begin immediate');
    const doomed = await failing.scoreBatchStaged(batches[failAt] as QueuedEvent[]);
    // Its transaction has begun waiting for the lock: the next batch's writes wait for the next one.
    await new Promise((resolve) => setImmediate(resolve));
    const onTop = await failing.scoreBatchStaged(batches[failAt + 1] as QueuedEvent[]);
    expect(doomed.outcome.assessed.length + onTop.outcome.assessed.length).toBeGreaterThan(0);
    lock.exec('rollback');
    lock.close();
    await expect(doomed.written).rejects.toThrow('disk full (test)');
    await expect(onTop.written).rejects.toBeInstanceOf(StaleWriteError);
    await disarm();
    // The queue gives both batches back; everything from there on is scored anew.
    for (const batch of batches.slice(failAt)) got.push(...lines(await failing.scoreBatch(batch)));
    await failing.close();

    expect(got).toEqual(expected);
    const after = await stored(store);
    expect(after).toEqual(await stored(reference));
    expect(after.rows).toBe(batches.flat().length);
  });

  it('stops scoring a batch when a commit fails midway: the batch comes back whole, scored in order', async () => {
    const all = batches.flat();
    const before = all.slice(0, 200);
    const big = all.slice(200, 1400); // three slices of the scorer's 500
    const after = all.slice(1400);
    expect(after.length).toBeGreaterThan(0);
    const inFifties = (items: QueuedEvent[]) =>
      Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) =>
        items.slice(i * BATCH, (i + 1) * BATCH),
      );

    const reference = await newStore();
    let scorer = reference.newScorer();
    const expected = lines(await scorer.scoreBatch(before));
    await scorer.close();
    scorer = reference.newScorer();
    expected.push(...lines(await scorer.scoreBatch(big)));
    for (const batch of inFifties(after)) expected.push(...lines(await scorer.scoreBatch(batch)));
    await scorer.close();

    const store = await newStore();
    const first = (big[0] as QueuedEvent).event.eventId;
    const disarm = await failCommitsStoring(store, first);
    // The first slice's commit waits for the lock until the second slice is being scored; it then
    // fails, and the third slice must not be scored.
    const lock = new BetterSqlite3(store.file);
    const secondSlice = (big[500] as QueuedEvent).event.eventId;
    const base = createPipeline({ enricher, config });
    const hooked: Pipeline = Object.create(base);
    hooked.assess = (event, state) => {
      if (event.eventId === secondSlice && lock.inTransaction) lock.exec('rollback');
      return base.assess(event, state);
    };
    // A commit per slice, so that one fails while the batch is being scored.
    const failing = store.newScorer(hooked, 500);
    const got = lines(await failing.scoreBatch(before));
    lock.exec('begin immediate');
    await expect(failing.scoreBatchStaged(big)).rejects.toBeInstanceOf(StaleWriteError);
    lock.close();
    const storedAfterFailure = await sql<{ n: number }>`select count(*) as n from assessments`.execute(
      store.db,
    );
    expect(Number(storedAfterFailure.rows[0]?.n)).toBe(before.length);
    await disarm();
    got.push(...lines(await failing.scoreBatch(big)));
    for (const batch of inFifties(after)) got.push(...lines(await failing.scoreBatch(batch)));
    await failing.close();

    expect(got).toEqual(expected);
    expect(await stored(store)).toEqual(await stored(reference));
  });
});
