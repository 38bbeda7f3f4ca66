import { CompiledQuery, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssessmentRepository, flaggedOnly } from '../../src/store/assessment-repository.js';
import { eventKey } from '../../src/store/event-key.js';
import { InvalidCursorError } from '../../src/store/page-cursor.js';
import { assessment } from '../helpers/assessments.js';
import { openTestDatabase } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
let repo: AssessmentRepository;
let db: Awaited<ReturnType<typeof openTestDatabase>>['db'];
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  repo = new AssessmentRepository(t.db);
  db = t.db;
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

/** Every page of a list, following nextCursor. */
async function allPages(
  filter: Omit<Parameters<AssessmentRepository['list']>[0], 'cursor'>,
): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.list({ ...filter, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.items.map((a) => a.eventId));
    cursor = page.nextCursor;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

describe('AssessmentRepository', () => {
  it('stores assessments whole, skips ones already stored, and says which exist', async () => {
    const a = assessment('e1', T0, { codes: ['NEW_DEVICE', 'UNUSUAL_HOUR'] });
    expect(await repo.insertMany([a, assessment('e2', T0)], T0)).toBe(2);
    expect(await repo.insertMany([{ ...a, action: 'deny' }, assessment('e3', T0 + 1)], T0)).toBe(1);
    expect(await repo.get('e1', T0)).toEqual(a);
    expect(await repo.get('e1')).toEqual(a);
    expect(await repo.get('e1', T0 + 1)).toBeUndefined();
    expect(await repo.get('nope')).toBeUndefined();
    const key = (eventId: string, timestampMs: number) => ({ eventId, timestampMs });
    expect(await repo.existing([key('e1', T0), key('e3', T0 + 1), key('nope', T0)])).toEqual(
      new Set([eventKey(key('e1', T0)), eventKey(key('e3', T0 + 1))]),
    );
    // The key is the id at the event's time: the same id at another time is another event.
    expect(await repo.existing([key('e1', T0 + 5)])).toEqual(new Set());
    expect(await repo.existing([])).toEqual(new Set());
  });

  it('keeps in the body only what the columns do not hold, and reads older rows (whole body) alike', async () => {
    const a = { ...assessment('e1', T0, { codes: ['NEW_DEVICE'] }), monitor: { action: 'deny' as const } };
    await repo.insertMany([a], T0);
    const row = await db.selectFrom('assessments').selectAll().executeTakeFirstOrThrow();
    const columns = ['eventId', 'userId', 'timestamp', 'riskScore', 'riskLevel', 'action'];
    expect(Object.keys(JSON.parse(row.body))).toEqual(Object.keys(a).filter((k) => !columns.includes(k)));
    expect(row.body).not.toContain('e1');
    // Same fields in the same order as the assessment scored (what the API prints).
    expect(JSON.stringify(await repo.get('e1', T0))).toBe(JSON.stringify(a));

    // A row as written before the body was slimmed: the whole assessment in it.
    const old = assessment('e0', T0 - 1, { action: 'challenge' });
    await db
      .insertInto('assessments')
      .values({
        ...row,
        created_at: Number(row.created_at),
        event_id: 'e0',
        ts: T0 - 1,
        action: 'challenge',
        risk_score: 0.9,
        risk_level: 'high',
        body: JSON.stringify(old),
      })
      .execute();
    expect(JSON.stringify(await repo.get('e0', T0 - 1))).toBe(JSON.stringify(old));
    expect((await repo.list({ limit: 10 })).items).toEqual([a, old]);
  });

  it('indexes only the challenged and denied assessments by action, and lists those through it', async () => {
    const rows = Array.from({ length: 60 }, (_, i) =>
      assessment(`e${i}`, T0 + i, { action: i % 20 === 0 ? 'deny' : i % 20 === 1 ? 'challenge' : 'allow' }),
    );
    await repo.insertMany(rows, T0);
    const flagged = await sql<{
      n: number;
    }>`select count(*) as n from assessments indexed by assessments_flagged_ts_id
      where action <> 'allow'`.execute(db);
    expect(flagged.rows[0]?.n).toBe(6);
    const plan = async (action: 'allow' | 'deny') => {
      const query = flaggedOnly(
        db.selectFrom('assessments').select('body').where('action', '=', action),
        action,
      )
        .orderBy('ts', 'desc')
        .compile();
      const { rows: steps } = await db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
      );
      return steps.map((r) => r.detail).join('; ');
    };
    expect(await plan('deny')).toMatch(/INDEX assessments_flagged_ts_id/);
    expect(await plan('allow')).not.toMatch(/assessments_flagged_ts_id/);
    expect((await repo.list({ action: 'deny', limit: 10 })).items.map((a) => a.eventId)).toEqual([
      'e40',
      'e20',
      'e0',
    ]);
    expect((await repo.list({ action: 'challenge', limit: 10 })).items.map((a) => a.eventId)).toEqual([
      'e41',
      'e21',
      'e1',
    ]);
    expect((await repo.list({ action: 'allow', limit: 100 })).items).toHaveLength(54);
  });

  it('answers existing() for more keys than one statement takes', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => assessment(`e${i}`, T0 + (i % 7)));
    await repo.insertMany(rows, T0);
    const keys = rows.map((a, i) => ({ eventId: a.eventId, timestampMs: T0 + (i % 7) }));
    expect((await repo.existing([...keys, { eventId: 'x', timestampMs: T0 }])).size).toBe(1200);
  });

  it('pages newest first without skipping or repeating rows that share a timestamp', async () => {
    // 25 assessments over 4 distinct times: most pages end in the middle of a tie.
    const rows = Array.from({ length: 25 }, (_, i) =>
      assessment(`e${String(i).padStart(2, '0')}`, T0 + (i % 4) * 1000),
    );
    await repo.insertMany(rows, T0);
    const pages = await allPages({ limit: 7 });
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 4]);
    const expected = [...rows]
      .sort((x, y) => Date.parse(y.timestamp) - Date.parse(x.timestamp) || (x.eventId < y.eventId ? 1 : -1))
      .map((a) => a.eventId);
    expect(pages.flat()).toEqual(expected);
  });

  it('gives no cursor when the page holds the last row', async () => {
    await repo.insertMany([assessment('a', T0), assessment('b', T0 + 1)], T0);
    expect(await repo.list({ limit: 2 })).toEqual({ items: expect.any(Array) });
    expect((await repo.list({ limit: 1 })).nextCursor).toEqual(expect.any(String));
  });

  it('filters by user, action, time range and reason, also across pages', async () => {
    await repo.insertMany(
      [
        assessment('a1', T0, { userId: 'alice', codes: ['NEW_DEVICE'] }),
        assessment('a2', T0 + 1000, {
          userId: 'alice',
          action: 'deny',
          codes: ['IMPOSSIBLE_TRAVEL', 'NEW_DEVICE'],
        }),
        assessment('a3', T0 + 2000, { userId: 'alice', action: 'challenge', codes: ['UNUSUAL_HOUR'] }),
        assessment('b1', T0 + 1000, { userId: 'bob', action: 'deny', codes: ['NEW_DEVICE'] }),
        assessment('b2', T0 + 3000, { userId: 'bob' }),
      ],
      T0,
    );
    const ids = async (filter: Parameters<AssessmentRepository['list']>[0]) =>
      (await repo.list(filter)).items.map((a) => a.eventId);
    expect(await ids({ userId: 'alice', limit: 10 })).toEqual(['a3', 'a2', 'a1']);
    expect(await ids({ action: 'deny', limit: 10 })).toEqual(['b1', 'a2']);
    expect(await ids({ from: T0 + 1000, to: T0 + 3000, limit: 10 })).toEqual(['a3', 'b1', 'a2']);
    expect(await ids({ reason: 'NEW_DEVICE', limit: 10 })).toEqual(['b1', 'a2', 'a1']);
    expect(await ids({ reason: 'NEW_DEVICE', userId: 'alice', action: 'deny', limit: 10 })).toEqual(['a2']);
    expect(await allPages({ reason: 'NEW_DEVICE', limit: 1 })).toEqual([['b1'], ['a2'], ['a1']]);
  });

  it("lists one user's assessments, not those of another user in the same bucket", async () => {
    // bob and sybil share bucket 20 of the per-user index (src/store/user-bucket.ts).
    await repo.insertMany(
      [
        assessment('b1', T0, { userId: 'bob' }),
        assessment('s1', T0 + 1000, { userId: 'sybil' }),
        assessment('b2', T0 + 2000, { userId: 'bob' }),
        assessment('s2', T0 + 3000, { userId: 'sybil' }),
      ],
      T0,
    );
    expect(await allPages({ userId: 'bob', limit: 1 })).toEqual([['b2'], ['b1']]);
    expect((await repo.list({ userId: 'sybil', limit: 10 })).items.map((a) => a.eventId)).toEqual([
      's2',
      's1',
    ]);
    expect((await repo.list({ userId: 'nobody', limit: 10 })).items).toEqual([]);
  });

  it('matches a reason code exactly: the _ in a code is not a wildcard', async () => {
    await repo.insertMany(
      [assessment('x', T0, { codes: ['NEWXDEVICE'] }), assessment('y', T0, { codes: ['NEW_DEVICE_2'] })],
      T0,
    );
    expect((await repo.list({ reason: 'NEW_DEVICE', limit: 10 })).items).toEqual([]);
  });

  it('refuses a cursor it did not give, and a limit out of range', async () => {
    await expect(repo.list({ limit: 10, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(repo.list({ limit: 10, cursor: Buffer.from('[1]').toString('base64url') })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(repo.list({ limit: 0 })).rejects.toThrow(RangeError);
    await expect(repo.list({ limit: 1001 })).rejects.toThrow(RangeError);
  });
});
