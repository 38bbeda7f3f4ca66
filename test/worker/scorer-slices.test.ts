import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import type { Enricher } from '../../src/enrich/enricher.js';
import type { LoginEvent } from '../../src/event/login-event.js';
import { createPipeline } from '../../src/pipeline.js';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { Scorer } from '../../src/worker/scorer.js';
import { generatedLoginEvents } from '../helpers/login-events.js';
import { openTestDatabase } from '../store/temp-database.js';

const config = resolveScoringConfig();
let enricher: Enricher;
let events: LoginEvent[];

beforeAll(() => {
  enricher = createEnricher();
  events = generatedLoginEvents({ users: 30, days: 30, seed: 7 });
});

const opened: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of opened) await cleanup();
});

async function open() {
  const { db, cleanup } = await openTestDatabase();
  opened.push(cleanup);
  const queue = new SqliteQueue(db);
  const scorer = new Scorer({
    db,
    queue,
    pipeline: createPipeline({ enricher, config }),
    scoring: config,
    leaseMs: 60_000,
    // The queue's clock: the batch's lease (taken at 0) is still running when the attempt comes.
    now: () => 1,
  });
  return { db, queue, scorer };
}

/** eventId → what was decided, for every stored assessment. */
async function decisions(db: Awaited<ReturnType<typeof open>>['db']): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('assessments')
    .select(['event_id', 'action', 'risk_score', 'reason_codes'])
    .execute();
  return new Map(rows.map((r) => [r.event_id, `${r.action} ${r.risk_score} ${r.reason_codes}`]));
}

/** userId → stored baseline (encoded), for every user. */
async function baselines(db: Awaited<ReturnType<typeof open>>['db']): Promise<Map<string, string>> {
  const rows = await db.selectFrom('user_profiles').select(['user_id', 'profile']).execute();
  return new Map(rows.map((r) => [r.user_id, r.profile]));
}

describe('Scorer: a large batch scored a slice at a time', () => {
  it("lets a synchronous assessment in between slices, scoring first that user's events still held in the batch", async () => {
    // A user whose password is being guessed at the end of the batch, in a slice not scored yet when
    // the user's own login attempt comes in through the synchronous endpoint.
    const first = events.slice(0, 1760);
    const victim = first[1700] as LoginEvent;
    const t = (first[first.length - 1] as LoginEvent).timestampMs;
    const guesses: LoginEvent[] = Array.from({ length: 40 }, (_, i) => ({
      ...victim,
      eventId: `guess-${i}`,
      timestampMs: t + (i + 1) * 1000,
      success: false,
      ip: '203.0.113.66',
      deviceId: undefined,
      userAgent: 'python-requests/2.31',
    }));
    const batchEvents = [...first, ...guesses];
    const attempt: LoginEvent = { ...victim, eventId: 'sync-attempt', timestampMs: t + 60_000 };

    // Reference: the batch, then the attempt, one after the other.
    const reference = await open();
    await reference.queue.enqueue(batchEvents, 0);
    const refBatch = await reference.queue.take(2000, 60_000, 0);
    await reference.scorer.scoreBatch(refBatch);
    await reference.queue.ack(refBatch);
    const refAttempt = await reference.scorer.assessNow(attempt);

    // The attempt arrives while the batch is being scored: its section runs after the first slice.
    const live = await open();
    await live.queue.enqueue(batchEvents, 0);
    const batch = await live.queue.take(2000, 60_000, 0);
    expect(batch).toHaveLength(1800);
    const order: string[] = [];
    const scoring = live.scorer.scoreBatchStaged(batch).then(async (staged) => {
      await staged.written;
      order.push('batch');
      return staged;
    });
    const sync = live.scorer.assessNow(attempt).then((result) => {
      order.push('assess');
      return result;
    });
    const [{ outcome, settlement }, result] = await Promise.all([scoring, sync]);
    expect(order).toEqual(['assess', 'batch']);
    // The guesses were scored (and acked) by the assessment, before it, not by the batch: the
    // account is locked, and the owner's own attempt with the right password is denied.
    expect(outcome.assessed.some((a) => a.eventId.startsWith('guess-'))).toBe(false);
    expect(refAttempt.assessment.action).toBe('deny');
    expect(refAttempt.assessment.reasons.map((r) => r.code)).toContain('ACCOUNT_LOCKED');
    // The batch acks what it scored, none of the events the assessment took over.
    expect(settlement.finished.some((q) => q.event.eventId.startsWith('guess-'))).toBe(false);
    expect(settlement.finished).toHaveLength(outcome.assessed.length);
    await live.queue.ack(settlement.finished);

    // Same decisions for every event, the attempt included, as in order; nothing left in the queue.
    expect(result.assessment).toEqual(refAttempt.assessment);
    expect(await decisions(live.db)).toEqual(await decisions(reference.db));
    expect((await decisions(live.db)).size).toBe(1801);
    // And the same baselines stored: no write of the batch landed after a later one of the attempt.
    expect(await baselines(live.db)).toEqual(await baselines(reference.db));
    expect(await live.queue.depth(1)).toMatchObject({ ready: 0, leased: 0, failed: 0 });
    await live.scorer.close();
    await reference.scorer.close();
  });
});
