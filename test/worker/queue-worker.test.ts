import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginEvent } from '../../src/event/login-event.js';
import type { QueuedEvent } from '../../src/queue/queue.js';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { QueueWorker } from '../../src/worker/queue-worker.js';
import type { Scorer } from '../../src/worker/scorer.js';
import { loginEvent } from '../helpers/login-events.js';
import { openTestDatabase } from '../store/temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/**
 * A scorer whose commits the test settles by hand: each batch is "scored" at once and its
 * `written` promise waits for `commit(i)` (or `fail(i)`).
 */
function manualScorer() {
  const batches: Array<{ ids: string[]; commit: () => void; fail: (e: Error) => void }> = [];
  const scorer = {
    async scoreBatchStaged(batch: readonly QueuedEvent[]) {
      const ids = batch.map((q) => q.event.eventId);
      let commit!: () => void;
      let fail!: (e: Error) => void;
      const written = new Promise<void>((resolve, reject) => {
        commit = resolve;
        fail = reject;
      });
      batches.push({ ids, commit, fail });
      return {
        outcome: { assessed: [], skipped: ids, poison: [] },
        settlement: { finished: [...batch], poisoned: [] },
        written,
      };
    },
  };
  return { scorer: scorer as unknown as Scorer, batches };
}

async function setUp(events: number) {
  const t = await openTestDatabase();
  cleanup = t.cleanup;
  const queue = new SqliteQueue(t.db, { singleConsumer: true });
  const list: LoginEvent[] = Array.from({ length: events }, (_, i) =>
    loginEvent({ eventId: `e-${i}`, at: T0 + i }),
  );
  await queue.enqueue(list, T0);
  const { scorer, batches } = manualScorer();
  const worker = new QueueWorker({
    queue,
    scorer,
    log: pino({ level: 'silent' }),
    batchSize: 10,
    leaseMs: 60_000,
    idleMs: 5,
  });
  return { queue, worker, batches };
}

const inQueue = async (queue: SqliteQueue) => {
  const d = await queue.depth(Date.now());
  return d.ready + d.leased;
};

const until = async (check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('timed out');
};

describe('QueueWorker', () => {
  it('scores the next batch while the previous one commits, at most one ahead, and acks a batch only once it is committed', async () => {
    const { worker, batches, queue } = await setUp(30);
    worker.start();
    await until(() => batches.length === 2);
    // The first batch is not committed: the second was taken and scored meanwhile, not a third.
    await new Promise((r) => setTimeout(r, 50));
    expect(batches).toHaveLength(2);
    expect(batches[1]?.ids[0]).toBe('e-10');
    expect(await inQueue(queue)).toBe(30); // nothing acked yet
    batches[0]?.commit();
    await until(() => batches.length === 3);
    expect(await inQueue(queue)).toBe(20); // the first batch only
    batches[1]?.commit();
    batches[2]?.commit();
    await until(async () => (await inQueue(queue)) === 0);
    await worker.stop();
  });

  it('gives a batch whose commit failed back to the queue, to be taken again', async () => {
    const { worker, batches, queue } = await setUp(20);
    worker.start();
    await until(() => batches.length === 2);
    batches[0]?.fail(new Error('disk full'));
    batches[1]?.commit();
    // After the pause that follows a failure, the first batch's events come back.
    await until(() => batches.length === 3);
    expect(batches[2]?.ids).toEqual(batches[0]?.ids);
    batches[2]?.commit();
    await until(async () => (await inQueue(queue)) === 0);
    await worker.stop();
  });
});
