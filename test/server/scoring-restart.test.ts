import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ThreadRequest } from '../../src/worker/scoring-thread-protocol.js';
import { ThreadedScoring } from '../../src/worker/threaded-scoring.js';
import { auth, eventBody, testService } from './test-service.js';

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a scoring thread that dies', () => {
  it('is replaced: meanwhile /readyz and POST /v1/assess answer 503; every accepted event is scored once', async () => {
    const t = await testService({ scoringThread: true, worker: true, profileCacheUsers: 1024 });
    try {
      const scoring = t.service.scoring;
      expect(scoring).toBeInstanceOf(ThreadedScoring);
      const post = (url: string, payload: unknown) =>
        t.app.inject({ method: 'POST', url, headers: auth(t.keys.ingest), payload: payload as object });
      const ready = async () => (await t.app.inject({ url: '/readyz' })).statusCode === 200;
      const batch = Array.from({ length: 200 }, () => eventBody({ userId: 'gina' }));
      expect((await post('/v1/events', batch)).statusCode).toBe(202);

      const thread = () => (scoring as unknown as { worker: Worker }).worker;
      // Its heap is bounded from the cache bound (256 MiB + 8 KiB per cached user), at least 800 MiB.
      expect(thread().resourceLimits?.maxOldGenerationSizeMb).toBe(800);
      // As on an uncaught error or past that limit: the thread is gone, whatever it was doing.
      // (Asked to exit rather than terminate(): see ThreadedScoring.end.)
      const exited = new Promise((resolve) => thread().once('exit', resolve));
      thread().postMessage({ op: 'exit' } satisfies ThreadRequest);
      await exited;
      expect(await ready()).toBe(false);
      const refused = await post('/v1/assess', eventBody({ userId: 'gina' }));
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json().error.code).toBe('LG_ERR_NOT_READY');

      await until(ready, 15_000);
      expect((scoring as ThreadedScoring).restarts).toBe(1);
      const late = eventBody({ userId: 'gina' });
      const answered = await post('/v1/assess', late);
      expect(answered.statusCode).toBe(200);
      expect(answered.json().eventId).toBe(late.eventId);

      // What the dead thread had leased is given back at once (not after the lease runs out).
      const assessed = async () => {
        const page = await t.app.inject({
          url: '/v1/assessments?userId=gina&limit=500',
          headers: auth(t.keys.read),
        });
        return (page.json().items as { eventId: string }[]).map((a) => a.eventId);
      };
      await until(async () => (await assessed()).length >= batch.length + 1, 15_000);
      const ids = await assessed();
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set([...batch.map((e) => e.eventId), late.eventId]));
    } finally {
      await t.close();
    }
  }, 60_000);
});
