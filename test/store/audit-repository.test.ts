import { CompiledQuery, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssessmentRepository } from '../../src/store/assessment-repository.js';
import { AuditRepository, decisionsQuery } from '../../src/store/audit-repository.js';
import type { Database } from '../../src/store/database.js';
import { InvalidCursorError } from '../../src/store/page-cursor.js';
import { assessment } from '../helpers/assessments.js';
import { openTestDatabase } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
let audit: AuditRepository;
let assessments: AssessmentRepository;
let cleanup: () => Promise<void>;
let db: Kysely<Database>;

beforeEach(async () => {
  const t = await openTestDatabase();
  db = t.db;
  audit = new AuditRepository(t.db);
  assessments = new AssessmentRepository(t.db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

/** Every entry of a filtered list, `limit` at a time: each page's ids. */
async function pagesOf(filter: Omit<Parameters<AuditRepository['list']>[0], 'cursor'>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.list({ ...filter, ...(cursor ? { cursor } : {}) });
    pages.push(page.items.map((e) => (e.action.startsWith('decision.') ? e.target : e.action) ?? ''));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe('AuditRepository', () => {
  it('appends entries and lists them newest first, in append order within a millisecond', async () => {
    await audit.append([
      { at: T0, actor: 'cli', action: 'api_key.create', target: 'ak_1', detail: { name: 'ingest' } },
      { at: T0 + 5, actor: 'key:ak_1', action: 'alert.resolve', target: 'al_1', sourceIp: '10.0.0.1' },
    ]);
    await audit.append([{ at: T0 + 5, actor: 'key:ak_1', action: 'alert.resolve', target: 'al_2' }]);
    const page = await audit.list({ limit: 10 });
    expect(page.items.map((e) => e.target)).toEqual(['al_2', 'al_1', 'ak_1']);
    expect(page.items[1]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      at: T0 + 5,
      actor: 'key:ak_1',
      action: 'alert.resolve',
      target: 'al_1',
      sourceIp: '10.0.0.1',
      detail: {},
    });
    expect(page.items[2]?.detail).toEqual({ name: 'ingest' });
    expect(page.nextCursor).toBeUndefined();
  });

  it('filters by actor, action and time, and pages without gaps', async () => {
    const entries = Array.from({ length: 9 }, (_, i) => ({
      at: T0 + Math.floor(i / 3),
      actor: i % 2 === 0 ? 'cli' : 'key:ak_1',
      action: i < 6 ? 'feedback.confirm' : 'api_key.revoke',
      target: `t${i}`,
    }));
    await audit.append(entries);
    const targets: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.list({ limit: 4, ...(cursor ? { cursor } : {}) });
      targets.push(...page.items.map((e) => e.target ?? ''));
      cursor = page.nextCursor;
    } while (cursor);
    expect(targets).toEqual(['t8', 't7', 't6', 't5', 't4', 't3', 't2', 't1', 't0']);
    const list = async (f: Parameters<AuditRepository['list']>[0]) =>
      (await audit.list(f)).items.map((e) => e.target);
    expect(await list({ actor: 'cli', limit: 10 })).toEqual(['t8', 't6', 't4', 't2', 't0']);
    expect(await list({ action: 'api_key.revoke', limit: 10 })).toEqual(['t8', 't7', 't6']);
    expect(await list({ from: T0 + 1, to: T0 + 2, limit: 10 })).toEqual(['t5', 't4', 't3']);
    await expect(audit.list({ limit: 4, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('lists every decision from its assessment, among the log rows, by the time it was stored', async () => {
    await assessments.insertMany(
      [assessment('e1', T0, { userId: 'ann', action: 'deny', codes: ['BRUTE_FORCE', 'NEW_DEVICE'] })],
      T0 + 10,
    );
    await audit.append([{ at: T0 + 10, actor: 'loginguard', action: 'account.lock', target: 'ann' }]);
    await assessments.insertMany([assessment('e2', T0, { userId: 'bob' })], T0 + 20);
    await audit.append([{ at: T0 + 30, actor: 'key:ak_1', action: 'account.unlock', target: 'ann' }]);
    const page = await audit.list({ limit: 10 });
    expect(page.items.map((e) => `${e.at - T0} ${e.action} ${e.target}`)).toEqual([
      '30 account.unlock ann',
      '20 decision.allow bob',
      '10 decision.deny ann',
      '10 account.lock ann',
    ]);
    expect(page.items[2]).toEqual({
      id: 'decision:e1',
      at: T0 + 10,
      actor: 'loginguard',
      action: 'decision.deny',
      target: 'ann',
      detail: { eventId: 'e1', riskScore: 0.9, reasons: ['BRUTE_FORCE', 'NEW_DEVICE'] },
    });
    const actions = async (f: Omit<Parameters<AuditRepository['list']>[0], 'limit'>) =>
      (await audit.list({ ...f, limit: 10 })).items.map((e) => `${e.action} ${e.target}`);
    expect(await actions({ action: 'decision.deny' })).toEqual(['decision.deny ann']);
    expect(await actions({ action: 'decision.nonsense' })).toEqual([]);
    expect(await actions({ action: 'account.lock' })).toEqual(['account.lock ann']);
    expect(await actions({ actor: 'key:ak_1' })).toEqual(['account.unlock ann']);
    expect(await actions({ actor: 'loginguard', from: T0 + 10, to: T0 + 20 })).toEqual([
      'decision.deny ann',
      'account.lock ann',
    ]);
  });

  it("lists a batch's decisions, all stored in one millisecond, latest login first", async () => {
    const logins = [9, 10, 11, 2].map((n) => assessment(`login-${n}`, T0 + n * 1000, { userId: `u${n}` }));
    await assessments.insertMany(logins, T0 + 60_000);
    for (const limit of [1, 2, 10]) {
      expect((await pagesOf({ limit })).flat(), `pages of ${limit}`).toEqual(['u11', 'u10', 'u9', 'u2']);
    }
  });

  it('pages through decisions and log rows of the same milliseconds without a gap or a repeat', async () => {
    // 3 decisions and 2 log rows in each of 4 milliseconds, pages of every size from 1 to 21.
    const expected: string[] = [];
    for (let ms = 3; ms >= 0; ms--) {
      const decisions = ['c', 'b', 'a'].map((x) =>
        assessment(`e${ms}${x}`, T0, { userId: `u${ms}${x}`, action: 'challenge' }),
      );
      await assessments.insertMany(decisions, T0 + ms);
      await audit.append([0, 1].map((k) => ({ at: T0 + ms, actor: 'cli', action: `x.${ms}${k}` })));
      expected.unshift(`x.${ms}0`, `x.${ms}1`, `u${ms}a`, `u${ms}b`, `u${ms}c`);
    }
    expected.reverse();
    for (let limit = 1; limit <= 21; limit++) {
      const pages = await pagesOf({ limit });
      expect(pages.flat(), `pages of ${limit}`).toEqual(expected);
      expect(pages.length, `pages of ${limit}`).toBe(Math.ceil(expected.length / limit));
    }
    expect((await pagesOf({ limit: 4, action: 'decision.challenge' })).flat()).toEqual(
      expected.filter((x) => x.startsWith('u')),
    );
    expect((await pagesOf({ limit: 3, actor: 'cli' })).flat()).toEqual(
      expected.filter((x) => x.startsWith('x.')),
    );
  });

  it('lists no decision twice: the decision rows written to the log before migration 0007 are left out', async () => {
    await assessments.insertMany([assessment('e1', T0, { userId: 'ann' })], T0);
    await audit.append([
      { at: T0, actor: 'loginguard', action: 'decision.allow', target: 'ann', detail: { eventId: 'e1' } },
    ]);
    const page = await audit.list({ limit: 10 });
    expect(page.items.map((e) => e.id)).toEqual(['decision:e1']);
    expect((await audit.list({ limit: 10, action: 'decision.allow' })).items).toHaveLength(1);
  });

  it('filters by a decision: allows in the log order without sorting them all, the rare actions through their index', async () => {
    const rows = [];
    for (let i = 0; i < 40; i++)
      rows.push(assessment(`e${i}`, T0 + i, { action: i % 10 === 0 ? 'deny' : 'allow' }));
    await assessments.insertMany(rows, T0 + 100);
    const plan = async (action: string) => {
      const { sql: text, parameters } = decisionsQuery(db, { action }, undefined, 10).compile();
      const { rows: steps } = await db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${text}`, [...parameters]),
      );
      return steps.map((r) => r.detail).join('; ');
    };
    const allow = await plan('decision.allow');
    expect(allow).toMatch(/INDEX assessments_created_ts_event/);
    expect(allow).not.toMatch(/TEMP B-TREE/);
    expect(await plan('decision.deny')).toMatch(/INDEX assessments_flagged_ts_id/);
    // Same entries either way: the allows newest first, then the denies.
    const allowed = (await audit.list({ action: 'decision.allow', limit: 5 })).items.map(
      (e) => e.detail?.eventId,
    );
    expect(allowed).toEqual(['e39', 'e38', 'e37', 'e36', 'e35']);
    const denied = (await audit.list({ action: 'decision.deny', limit: 10 })).items.map(
      (e) => e.detail?.eventId,
    );
    expect(denied).toEqual(['e30', 'e20', 'e10', 'e0']);
  });

  it('is append-only: the repository offers no way to change or remove an entry', () => {
    const methods = Object.getOwnPropertyNames(AuditRepository.prototype).filter((m) => m !== 'constructor');
    // Reads (`decisions`, `logged`: the two halves of `list`) and appends, nothing else.
    expect(methods.sort()).toEqual(['append', 'appendRows', 'decisions', 'list', 'logged']);
  });
});
