import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { RelaxedCommit } from '../../src/store/relaxed-commit.js';
import { loginEvent, MONDAY_10_DELHI } from '../helpers/login-events.js';
import { openLevelObservedDatabase } from './temp-database.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * A database on a raw connection opened with `level`; every write to the queue's tables is
 * recorded with the connection's `synchronous` level at that moment.
 */
async function observed(level: 'FULL' | 'NORMAL') {
  const seen: string[] = [];
  const { db, raw, cleanup } = await openLevelObservedDatabase(level, (text, _parameters, atLevel) => {
    const what = /^(insert into|delete from|update) "?(queue\w*)"?/i.exec(text);
    if (what) seen.push(`${what[1]?.toLowerCase()} ${what[2]} @${atLevel}`);
  });
  cleanups.push(cleanup);
  return { db, raw, seen };
}

describe('RelaxedCommit', () => {
  it('runs the write with NORMAL on a FULL connection and sets FULL back, even when the write fails', async () => {
    const { db, raw } = await observed('FULL');
    const relaxed = new RelaxedCommit(db);
    const inside = await relaxed.run(async (conn) => {
      await conn.transaction().execute(async (trx) => {
        await sql`insert into queue_taken (id, through_seq) values (2, 0)`.execute(trx);
      });
      return raw.pragma('synchronous', { simple: true });
    });
    expect(inside).toBe(1);
    expect(raw.pragma('synchronous', { simple: true })).toBe(2);
    await expect(
      relaxed.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(raw.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('leaves a NORMAL connection as it is', async () => {
    const { db, raw } = await observed('NORMAL');
    const inside = await new RelaxedCommit(db).run(async () => raw.pragma('synchronous', { simple: true }));
    expect(inside).toBe(1);
    expect(raw.pragma('synchronous', { simple: true })).toBe(1);
  });
});

describe('SqliteQueue: what is fsync’d', () => {
  it("fsyncs an enqueue, not an ack or the take's mark", async () => {
    const { db, seen } = await observed('FULL');
    const queue = new SqliteQueue(db, { singleConsumer: true });
    await queue.enqueue([loginEvent({ at: MONDAY_10_DELHI, eventId: 'a' })], 1);
    const taken = await queue.take(10, 60_000, 1);
    await queue.ack(taken);
    expect(seen).toEqual(['insert into queue @2', 'update queue_taken @1', 'delete from queue @1']);
  });
});
