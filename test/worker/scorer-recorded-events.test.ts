import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { createPipeline } from '../../src/pipeline.js';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import type { Database } from '../../src/store/database.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { Scorer } from '../../src/worker/scorer.js';
import { loginEvent } from '../helpers/login-events.js';
import { openTestDatabase } from '../store/temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

/** A scorer on the single-consumer queue of `db`, its clock stopped at `nowMs`. */
function scorerOn(db: Kysely<Database>, nowMs: number) {
  const config = resolveScoringConfig();
  const queue = new SqliteQueue(db, { singleConsumer: true });
  const scorer = new Scorer({
    db,
    queue,
    pipeline: createPipeline({ enricher: createEnricher(), config }),
    scoring: config,
    leaseMs: 60_000,
    now: () => nowMs,
  });
  return { queue, scorer };
}

describe('Scorer: events from the queue', () => {
  it('leaves a queued event as the queue stored it when it was accepted; stores one it never queued', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const scorerNow = T0 + 5000;
      const { queue, scorer } = scorerOn(db, scorerNow);
      const rows = async () =>
        (
          await sql<{ event_id: string; received_at: number }>`
            select event_id, received_at from events order by ts`.execute(db)
        ).rows.map((r) => ({ id: r.event_id, receivedAt: Number(r.received_at) }));

      const queued = loginEvent({ eventId: 'queued', userId: 'alice', at: T0 });
      await queue.enqueue([queued], T0);
      // Stored as soon as it is accepted, before any worker has seen it.
      expect(await rows()).toEqual([{ id: 'queued', receivedAt: T0 }]);

      const taken = await queue.take(10, 60_000, T0);
      expect(taken.map((q) => q.recorded)).toEqual([true]);
      expect((await scorer.scoreBatch(taken)).assessed).toHaveLength(1);
      await scorer.assessNow(loginEvent({ eventId: 'direct', userId: 'alice', at: T0 + 60_000 }));

      // The queued one once, as received; the synchronous one stored by the scorer when scored.
      expect(await rows()).toEqual([
        { id: 'queued', receivedAt: T0 },
        { id: 'direct', receivedAt: scorerNow },
      ]);
      expect(await new EventRepository(db).get('queued', T0)).toEqual(queued);
      await scorer.close();
    } finally {
      await cleanup();
    }
  });

  it('scores an id sent again with another time as another event, through the queue and the synchronous path', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const { queue, scorer } = scorerOn(db, T0 + 10 * 60_000);
      const first = loginEvent({ eventId: 'reused', userId: 'alice', at: T0 });
      const second = { ...first, timestampMs: T0 + 60_000 };
      const third = { ...first, timestampMs: T0 + 120_000 };
      expect((await queue.enqueue([first, second], T0)).accepted).toEqual(['reused', 'reused']);
      // One batch holds both: neither is taken for a duplicate of the other.
      const batch = await queue.take(10, 60_000, T0);
      const staged = await scorer.scoreBatchStaged(batch);
      await staged.written;
      expect(staged.outcome.assessed.map((a) => a.timestamp)).toEqual(
        [first, second].map((e) => new Date(e.timestampMs).toISOString()),
      );
      expect(staged.settlement.finished).toEqual(batch);
      await queue.ack(staged.settlement.finished);
      // The synchronous path: a third time is scored; the first again is the stored assessment.
      expect((await scorer.assessNow(third)).duplicate).toBe(false);
      const again = await scorer.assessNow(first);
      expect(again.duplicate).toBe(true);
      expect(again.assessment).toEqual(staged.outcome.assessed[0]);
      const { rows } = await sql<{ ts: number }>`
        select ts from assessments where event_id = 'reused' order by ts`.execute(db);
      expect(rows.map((r) => Number(r.ts))).toEqual([T0, T0 + 60_000, T0 + 120_000]);
      expect((await queue.depth(T0)).ready).toBe(0);
      await scorer.close();
    } finally {
      await cleanup();
    }
  });
});
