import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertRepository, type NewAlert } from '../../src/store/alert-repository.js';
import { openTestDatabase } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
let alerts: AlertRepository;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  alerts = new AlertRepository(t.db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

function alert(id: string, at: number, over: Partial<NewAlert> = {}): NewAlert {
  return {
    id,
    eventId: `ev-${id}`,
    userId: 'alice',
    kind: 'high_risk_login',
    severity: 'high',
    createdAt: at,
    body: { riskScore: 0.9, reasons: ['NEW_DEVICE'] },
    ...over,
  };
}

describe('AlertRepository', () => {
  it('stores alerts as open, keeps the first of an id, and gives ids to alerts without one', async () => {
    const ids = await alerts.insertMany([
      alert('a1', T0),
      alert('a1', T0 + 1, { kind: 'other' }),
      { ...alert('x', T0), id: undefined },
    ]);
    expect(ids[0]).toBe('a1');
    expect(ids[2]).toMatch(/^al_/);
    expect(await alerts.get('a1')).toEqual({
      id: 'a1',
      eventId: 'ev-a1',
      userId: 'alice',
      kind: 'high_risk_login',
      severity: 'high',
      createdAt: T0,
      status: 'open',
      body: { riskScore: 0.9, reasons: ['NEW_DEVICE'] },
    });
    expect((await alerts.get(ids[2] ?? ''))?.eventId).toBe('ev-x');
    expect(await alerts.get('nope')).toBeUndefined();
  });

  it('changes the status of an alert that exists', async () => {
    await alerts.insertMany([alert('a1', T0)]);
    expect(await alerts.setStatus('a1', 'resolved')).toBe(true);
    expect((await alerts.get('a1'))?.status).toBe('resolved');
    expect(await alerts.setStatus('nope', 'resolved')).toBe(false);
    await expect(alerts.setStatus('a1', 'deleted' as 'open')).rejects.toThrow(RangeError);
  });

  it('lists newest first with filters, paging through ties', async () => {
    await alerts.insertMany([
      alert('a', T0, { userId: 'bob' }),
      alert('b', T0 + 1000, { severity: 'critical', kind: 'account_locked' }),
      alert('c', T0 + 1000),
      alert('d', T0 + 1000, { status: 'resolved' }),
      alert('e', T0 + 2000),
    ]);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await alerts.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([['e', 'd'], ['c', 'b'], ['a']]);
    const ids = async (f: Parameters<AlertRepository['list']>[0]) =>
      (await alerts.list(f)).items.map((a) => a.id);
    expect(await ids({ userId: 'bob', limit: 10 })).toEqual(['a']);
    expect(await ids({ status: 'open', limit: 10 })).toEqual(['e', 'c', 'b', 'a']);
    expect(await ids({ severity: 'critical', limit: 10 })).toEqual(['b']);
    expect(await ids({ kind: 'account_locked', limit: 10 })).toEqual(['b']);
    expect(await ids({ from: T0 + 1, to: T0 + 2000, limit: 10 })).toEqual(['d', 'c', 'b']);
  });
});
