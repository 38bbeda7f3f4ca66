import { describe, expect, it } from 'vitest';
import { ReusedInsert } from '../../src/store/reused-insert.js';
import { openTestDatabase } from './temp-database.js';

type Row = { event_id: string; user_id: string; ts: number; received_at: number; payload: string };
const row = (i: number): Row => ({
  event_id: `e${i}`,
  user_id: `u${i % 3}`,
  ts: 1000 + i,
  received_at: 5,
  payload: `{"n":${i}}`,
});

describe('ReusedInsert', () => {
  it('inserts with the compiled text reused across calls, and counts what a conflict skipped', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const insert = new ReusedInsert<Row>(
        ['event_id', 'user_id', 'ts', 'received_at', 'payload'],
        (d, rows) =>
          d
            .insertInto('events')
            .values(rows)
            .onConflict((oc) => oc.columns(['ts', 'event_id']).doNothing()),
      );
      expect(await insert.execute(db, [row(1), row(2)])).toBe(2);
      // Same size again (the cached text), one of them a duplicate.
      expect(await insert.execute(db, [row(2), row(3)])).toBe(1);
      const stored = await db.selectFrom('events').selectAll().orderBy('ts').execute();
      expect(stored.map((r) => [r.event_id, r.user_id, Number(r.ts), r.payload])).toEqual([
        ['e1', 'u1', 1001, '{"n":1}'],
        ['e2', 'u2', 1002, '{"n":2}'],
        ['e3', 'u0', 1003, '{"n":3}'],
      ]);
    } finally {
      await cleanup();
    }
  });

  it('refuses columns listed in another order than the statement binds them, and undefined values', async () => {
    const { db, cleanup } = await openTestDatabase();
    try {
      const swapped = new ReusedInsert<Row>(
        ['user_id', 'event_id', 'ts', 'received_at', 'payload'],
        (d, rows) => d.insertInto('events').values(rows),
      );
      await expect(swapped.execute(db, [row(1)])).rejects.toThrow(/columns do not match/);
      const insert = new ReusedInsert<Row>(
        ['event_id', 'user_id', 'ts', 'received_at', 'payload'],
        (d, rows) => d.insertInto('events').values(rows),
      );
      await expect(
        insert.execute(db, [{ ...row(1), payload: undefined as unknown as string }]),
      ).rejects.toThrow(/payload is undefined/);
      expect(await db.selectFrom('events').selectAll().execute()).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
