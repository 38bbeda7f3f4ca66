import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ThreadRequest } from '../../src/worker/scoring-thread-protocol.js';
import { auth, eventBody, testService } from './test-service.js';

/** Takes the database's write lock from a connection of its own, as a backup or another process would. */
function holdWriteLock(dataDir: string): () => void {
  const other = new Database(join(dataDir, 'loginguard.db'));
  other.exec('BEGIN IMMEDIATE');
  return () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

/** `POST /v1/assess` on a test service with its ingest key. */
function assessOn(t: Awaited<ReturnType<typeof testService>>) {
  return (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/v1/assess', headers: auth(t.keys.ingest), payload });
}

for (const scoringThread of [true, false]) {
  describe(`storage that cannot take a write (scoring ${scoringThread ? 'on its thread' : 'on the main thread'})`, () => {
    it('answers a synchronous assessment 503 LG_ERR_STORAGE_UNAVAILABLE with Retry-After; sent again, it is assessed once', async () => {
      const t = await testService({ scoringThread, sqliteBusyTimeoutMs: 200 });
      try {
        const assess = assessOn(t);
        // The key's first use is recorded (a write): done before the lock is taken.
        expect((await assess(eventBody({ userId: 'warm-up' }))).statusCode).toBe(200);

        const login = eventBody({ userId: 'hana' });
        const release = holdWriteLock(t.dataDir);
        let refused: Awaited<ReturnType<typeof assess>>;
        try {
          refused = await assess(login);
        } finally {
          release();
        }
        expect(refused.statusCode).toBe(503);
        expect(refused.headers['retry-after']).toBe('1');
        expect(refused.json().error.code).toBe('LG_ERR_STORAGE_UNAVAILABLE');

        const again = await assess(login);
        expect(again.statusCode).toBe(200);
        expect(again.json().eventId).toBe(login.eventId);
        const page = await t.app.inject({ url: '/v1/assessments?userId=hana', headers: auth(t.keys.read) });
        expect((page.json().items as { eventId: string }[]).map((a) => a.eventId)).toEqual([login.eventId]);
      } finally {
        await t.close();
      }
    }, 30_000);
  });
}

describe('a scoring thread that dies while it assesses', () => {
  it('answers the assessment in flight 503 LG_ERR_NOT_READY, not 500', async () => {
    const t = await testService({ scoringThread: true });
    try {
      const assess = assessOn(t);
      expect((await assess(eventBody({ userId: 'warm-up' }))).statusCode).toBe(200);
      // The assessment waits for the lock (5 s by default) when the thread goes.
      const release = holdWriteLock(t.dataDir);
      try {
        const inFlight = assess(eventBody({ userId: 'ivan' }));
        await new Promise((r) => setTimeout(r, 300));
        // Asked to exit, as close() does when the thread does not finish; terminate() here
        // aborted the whole process now and then (better-sqlite3 12 cannot throw while V8
        // stops a thread, see ThreadedScoring.end).
        const thread = (t.service.scoring as unknown as { worker: Worker }).worker;
        const exited = new Promise((resolve) => thread.once('exit', resolve));
        thread.postMessage({ op: 'exit' } satisfies ThreadRequest);
        await exited;
        const answer = await inFlight;
        expect(answer.statusCode).toBe(503);
        expect(answer.headers['retry-after']).toBe('1');
        expect(answer.json().error.code).toBe('LG_ERR_NOT_READY');
      } finally {
        release();
      }
    } finally {
      await t.close();
    }
  }, 30_000);
});
