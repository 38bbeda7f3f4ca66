import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEPTH_SQL, NOT_STORED, SqliteQueue, USER_READY_SQL } from '../../src/queue/sqlite-queue.js';
import { type Database, openSqliteDatabase } from '../../src/store/database.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { loginEvent } from '../helpers/login-events.js';
import { openTestDatabase, tempDatabaseFile } from '../store/temp-database.js';
import { describeQueueContract, type QueueFixture } from './queue-contract.js';

for (const singleConsumer of [false, true]) {
  const name = singleConsumer ? 'SqliteQueue, single consumer (leases in memory)' : 'SqliteQueue';
  describeQueueContract(name, async (options = {}): Promise<QueueFixture> => {
    const { file, remove } = tempDatabaseFile();
    const opened: SqliteQueue[] = [];
    const open = async () => {
      const queue = await SqliteQueue.open(file, { ...options, singleConsumer });
      opened.push(queue);
      return queue;
    };
    return {
      queue: await open(),
      reopen: open,
      cleanup: async () => {
        for (const q of opened) await q.close();
        remove();
      },
    };
  });
}

describe('SqliteQueue', () => {
  const T0 = Date.UTC(2026, 0, 5);

  for (const singleConsumer of [false, true]) {
    const mode = singleConsumer ? 'one consumer' : 'shared';
    it(`${mode}: sends an event whose stored JSON cannot be read to the failed list, and goes on`, async () => {
      const { db, cleanup } = await openTestDatabase();
      try {
        const queue = new SqliteQueue(db, { singleConsumer });
        const [bad, good] = [loginEvent({ at: T0 }), loginEvent({ at: T0 + 1 })];
        await queue.enqueue([bad, good], T0);
        await sql`update events set payload = '{"eventId":' where event_id = ${bad.eventId}`.execute(db);
        const taken = await queue.take(10, 1000, T0);
        expect(taken.map((q) => q.event.eventId)).toEqual([good.eventId]);
        const failed = await queue.listFailed(10);
        expect(failed.map((f) => f.eventId)).toEqual([bad.eventId]);
        expect(failed[0]?.error).toMatch(/^undecodable payload: /);
        expect(failed[0]?.payload).toBe('{"eventId":');
      } finally {
        await cleanup();
      }
    });

    it(`${mode}: fails an event whose row retention deleted while it waited, saying so, and goes on`, async () => {
      const { db, cleanup } = await openTestDatabase();
      try {
        const queue = new SqliteQueue(db, { singleConsumer });
        const [old, recent] = [loginEvent({ at: T0 }), loginEvent({ at: T0 + 86_400_000 })];
        await queue.enqueue([old, recent], T0);
        expect(await new EventRepository(db).deleteOlderThan(T0 + 1)).toBe(1);
        const taken = await queue.take(10, 1000, T0);
        expect(taken.map((q) => q.event.eventId)).toEqual([recent.eventId]);
        const failed = await queue.listFailed(10);
        expect(failed.map((f) => [f.eventId, f.error])).toEqual([[old.eventId, NOT_STORED]]);
        expect((await queue.depth(T0)).ready + (await queue.depth(T0)).leased).toBe(1);
      } finally {
        await cleanup();
      }
    });
  }

  it('stores an accepted event in `events` at once; one received before (same id and time) is a duplicate, even long after it was scored', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const queue = new SqliteQueue(db);
      const events = new EventRepository(db);
      const first = loginEvent({ at: T0 });
      expect(await queue.enqueue([first], T0)).toEqual({ accepted: [first.eventId], duplicates: [] });
      expect(await events.get(first.eventId, T0)).toEqual(first);
      // Taken and acked: gone from the queue, still in `events`.
      await queue.ack(await queue.take(10, 1000, T0));
      expect((await queue.depth(T0)).ready).toBe(0);
      const second = loginEvent({ at: T0 + 1 });
      expect(await queue.enqueue([first, second], T0 + 5000)).toEqual({
        accepted: [second.eventId],
        duplicates: [first.eventId],
      });
      expect((await queue.take(10, 1000, T0 + 5000)).map((q) => q.event.eventId)).toEqual([second.eventId]);
      // The first copy stands: received when it was first accepted.
      const { rows } = await sql<{ received_at: number }>`
        select received_at from events where event_id = ${first.eventId}`.execute(db);
      expect(rows.map((r) => Number(r.received_at))).toEqual([T0]);
    } finally {
      await cleanup();
    }
  });

  it('takes an id queued already with another time as another event, stored in `events` too', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const queue = new SqliteQueue(db);
      const first = loginEvent({ at: T0 });
      const sameIdLater = { ...first, timestampMs: T0 + 60_000 };
      const other = loginEvent({ at: T0 + 1 });
      await queue.enqueue([first], T0);
      expect(await queue.enqueue([sameIdLater, other], T0 + 1000)).toEqual({
        accepted: [first.eventId, other.eventId],
        duplicates: [],
      });
      const { rows } = await sql<{ event_id: string; ts: number }>`
        select event_id, ts from events order by ts`.execute(db);
      expect(rows.map((r) => [r.event_id, Number(r.ts)])).toEqual([
        [first.eventId, T0],
        [other.eventId, T0 + 1],
        [first.eventId, T0 + 60_000],
      ]);
      expect((await queue.take(10, 1000, T0 + 1000)).map((q) => q.event)).toEqual([
        first,
        sameIdLater,
        other,
      ]);
    } finally {
      await cleanup();
    }
  });

  it('does not requeue a failed event whose row in `events` is gone: nothing to score', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const queue = new SqliteQueue(db);
      const event = loginEvent({ at: T0 });
      await queue.enqueue([event], T0);
      const [taken] = await queue.take(1, 1000, T0);
      if (!taken) throw new Error('nothing taken');
      await queue.fail(taken, 'Error: a bug', T0 + 1);
      await sql`delete from events`.execute(db);
      expect(await queue.requeueFailed(event.eventId, event.timestampMs, T0 + 2)).toBe('not_stored');
      expect((await queue.listFailed(10)).map((f) => f.eventId)).toEqual([event.eventId]);
      expect((await queue.depth(T0 + 2)).ready).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it('delivers an event five times by default, then fails it', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const queue = new SqliteQueue(db);
      await queue.enqueue([loginEvent({ at: T0 })], T0);
      const attempts: number[] = [];
      for (let i = 0; i < 7; i++)
        attempts.push(...(await queue.take(1, 10, T0 + i * 10)).map((q) => q.attempts));
      expect(attempts).toEqual([1, 2, 3, 4, 5]);
      expect((await queue.listFailed(1))[0]?.error).toBe('too many attempts');
    } finally {
      await cleanup();
    }
  });

  it('with a single consumer, a take writes nothing to the rows it takes', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const queue = new SqliteQueue(db, { singleConsumer: true });
      await queue.enqueue([loginEvent({ at: T0 }), loginEvent({ at: T0 + 1 })], T0);
      expect(await queue.take(10, 1000, T0)).toHaveLength(2);
      const rows = await db.selectFrom('queue').select(['attempts', 'leased_until']).execute();
      expect(rows).toEqual([
        { attempts: 0, leased_until: null },
        { attempts: 0, leased_until: null },
      ]);
      expect(await queue.depth(T0)).toMatchObject({ ready: 0, leased: 2 });
    } finally {
      await cleanup();
    }
  });

  it('with a single consumer, counts the deliveries a crash interrupted at the next start, and fails an event that keeps crashing it', async () => {
    const { file, remove } = tempDatabaseFile();
    const open = async () => {
      const queue = await SqliteQueue.open(file, { singleConsumer: true, maxAttempts: 3 });
      return { queue, recovered: await queue.recoverLeases() };
    };
    try {
      let { queue } = await open();
      const crasher = loginEvent({ at: T0 });
      await queue.enqueue([crasher], T0);
      const seen: Array<[number, number[]]> = [];
      for (let run = 0; run < 4; run++) {
        if (run === 1) await queue.enqueue([loginEvent({ at: T0 + 1 })], T0); // never taken before a crash
        const taken = await queue.take(1, 60_000, T0);
        // The process dies while scoring it: no ack, no release.
        await queue.close();
        const next = await open();
        queue = next.queue;
        seen.push([next.recovered, taken.map((q) => q.attempts)]);
      }
      expect(seen).toEqual([
        [1, [1]],
        [1, [2]],
        [1, [3]],
        // A fourth delivery would be past maxAttempts: failed instead (this take of one gives nothing).
        [0, []],
      ]);
      // The event enqueued after the first crash was never taken: no attempt counted for it.
      expect((await queue.take(10, 60_000, T0)).map((q) => q.attempts)).toEqual([1]);
      expect((await queue.listFailed(10)).map((f) => [f.eventId, f.error])).toEqual([
        [crasher.eventId, 'too many attempts'],
      ]);
      await queue.close();
      const db = openSqliteDatabase(file);
      expect(await db.selectFrom('queue_failed').select('attempts').execute()).toEqual([{ attempts: 3 }]);
      await db.destroy();
    } finally {
      remove();
    }
  });

  it('leaves a shared database open on close', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      await new SqliteQueue(db).close();
      await expect(sql`select 1 as one`.execute(db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await cleanup();
    }
  });

  it('refuses a maxAttempts below 1', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      expect(() => new SqliteQueue(db, { maxAttempts: 0 })).toThrow(/maxAttempts/);
    } finally {
      await cleanup();
    }
  });
  it('counts its depth from indexes, not by reading the waiting events', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      expect(await queryPlan(db, DEPTH_SQL.all)).toMatch(/COVERING INDEX/);
      expect(await queryPlan(db, DEPTH_SQL.leased, [0])).toMatch(/COVERING INDEX queue_leased/);
    } finally {
      await cleanup();
    }
  });

  it("finds one user's waiting events through the bucketed index, apart from a user in the same bucket", async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const queue = new SqliteQueue(db);
      // bob and sybil share bucket 20 (src/store/user-bucket.ts).
      const [b1, s1, b2] = [
        loginEvent({ at: T0, userId: 'bob' }),
        loginEvent({ at: T0 + 1, userId: 'sybil' }),
        loginEvent({ at: T0 + 2, userId: 'bob' }),
      ];
      await queue.enqueue([b1, s1, b2], T0);
      const taken = await queue.takeUser('bob', 1000, T0);
      expect(taken.map((q) => q.event.eventId)).toEqual([b1.eventId, b2.eventId]);
      expect(await queue.hasReady('bob', T0)).toBe(false);
      expect(await queue.hasReady('sybil', T0)).toBe(true);

      expect(await queryPlan(db, USER_READY_SQL.has, [20, 'bob', T0])).toMatch(/INDEX queue_bucket_seq/);
      expect(await queryPlan(db, USER_READY_SQL.take, [T0, 20, 'bob', T0, -1])).toMatch(
        /INDEX queue_bucket_seq/,
      );
    } finally {
      await cleanup();
    }
  });
});

/** SQLite's plan for a statement, its `?` parameters written in (EXPLAIN is run without bound values here). */
async function queryPlan(
  db: Kysely<Database>,
  text: string,
  values: readonly unknown[] = [],
): Promise<string> {
  let i = 0;
  const literal = text.replace(/\?/g, () => JSON.stringify(values[i++]).replaceAll('"', "'"));
  const { rows } = await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${literal}`).execute(db);
  return rows.map((r) => r.detail).join('; ');
}
