import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { createPipeline } from '../../src/pipeline.js';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { Scorer } from '../../src/worker/scorer.js';
import { loginEvent } from '../helpers/login-events.js';
import { openTestDatabase } from '../store/temp-database.js';

const T0 = Date.UTC(2026, 0, 5);

describe('Scorer: events from the queue', () => {
  it('stores the text the queue kept for an event, not a second encoding; an event it never queued is encoded', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const config = resolveScoringConfig();
      const queue = new SqliteQueue(db, { singleConsumer: true });
      const scorer = new Scorer({
        db,
        queue,
        pipeline: createPipeline({ enricher: createEnricher(), config }),
        scoring: config,
        leaseMs: 60_000,
      });
      const queued = loginEvent({ eventId: 'queued', userId: 'alice', at: T0 });
      await queue.enqueue([queued], T0);
      // The same event in another layout (indented): only a copy of the queue's text looks like this.
      const layout = JSON.stringify(JSON.parse(JSON.stringify(queued)), null, 1);
      await sql`update queue set payload = ${layout} where event_id = 'queued'`.execute(db);

      const taken = await queue.take(10, 60_000, T0);
      expect(taken[0]?.payload).toBe(layout);
      expect((await scorer.scoreBatch(taken)).assessed).toHaveLength(1);
      await scorer.assessNow(loginEvent({ eventId: 'direct', userId: 'alice', at: T0 + 60_000 }));

      const { rows } = await sql<{ event_id: string; payload: string }>`
        select event_id, payload from events order by ts`.execute(db);
      expect(rows.map((r) => r.event_id)).toEqual(['queued', 'direct']);
      expect(rows[0]?.payload).toBe(layout);
      expect(rows[1]?.payload).not.toContain('\n');
      expect(await new EventRepository(db).get('queued', T0)).toEqual(queued);
      await scorer.close();
    } finally {
      await cleanup();
    }
  });
});
