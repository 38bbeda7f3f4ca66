import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { InvalidCursorError } from '../../src/store/page-cursor.js';
import { openTestDatabase } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
let audit: AuditRepository;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  audit = new AuditRepository(t.db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

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
      id: expect.any(Number),
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

  it('is append-only: the repository offers no way to change or remove an entry', () => {
    const methods = Object.getOwnPropertyNames(AuditRepository.prototype).filter((m) => m !== 'constructor');
    expect(methods.sort()).toEqual(['append', 'appendRows', 'list']);
  });
});
