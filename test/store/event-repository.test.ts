import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/event/validate-event.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { DAY, loginEvent } from '../helpers/login-events.js';
import { openTestDatabase } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
let events: EventRepository;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  events = new EventRepository(t.db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

describe('EventRepository', () => {
  it('gives back an event exactly as validated, every field present', async () => {
    const r = validateEvent({
      userId: 'alice@example.com',
      timestamp: '2026-01-05T10:00:00+01:00',
      success: true,
      ip: '::ffff:8.8.8.8',
      location: { country: 'fr', city: 'Lyon', extra: 1 },
      label: 'benign',
    });
    if (!r.ok) throw new Error('fixture is invalid');
    expect(await events.insertMany([r.event], T0)).toBe(1);
    const stored = await events.get(r.event.eventId, r.event.timestampMs);
    expect(stored).toStrictEqual(r.event);
    expect(Object.keys(stored ?? {}).sort()).toEqual(Object.keys(r.event).sort());
    expect(await events.get(r.event.eventId)).toStrictEqual(r.event);
    expect(await events.get(r.event.eventId, r.event.timestampMs + 1)).toBeUndefined();
    expect(await events.get('no-such-event')).toBeUndefined();
  });

  it('skips events already stored: the first copy wins', async () => {
    const a = loginEvent({ eventId: 'a', at: T0 });
    expect(await events.insertMany([a, loginEvent({ eventId: 'b', at: T0 })], T0)).toBe(2);
    expect(
      await events.insertMany([{ ...a, success: false }, loginEvent({ eventId: 'c', at: T0 })], T0),
    ).toBe(1);
    expect((await events.get('a'))?.success).toBe(true);
    expect(await events.insertMany([], T0)).toBe(0);
  });

  it('reads many events by key in a few statements, leaving out keys not stored', async () => {
    const stored = Array.from({ length: 1_200 }, (_, i) => loginEvent({ eventId: `e-${i}`, at: T0 + i }));
    await events.insertMany(stored, T0);
    const keys = [
      ...stored.map((e) => ({ eventId: e.eventId, timestampMs: e.timestampMs })),
      { eventId: 'e-5', timestampMs: T0 + 6 }, // right id, wrong time: another event
      { eventId: 'never', timestampMs: T0 },
    ];
    const found = await events.getMany(keys);
    expect(found.size).toBe(1_200);
    expect(found.get('e-5')).toEqual(stored[5]);
    expect(found.get('e-1199')).toEqual(stored[1199]);
    expect(found.has('never')).toBe(false);
    expect((await events.getMany([])).size).toBe(0);
  });

  it('deletes events older than the retention bound, in several statements, and only those', async () => {
    const old = Array.from({ length: 11_000 }, (_, i) =>
      loginEvent({ eventId: `old-${i}`, at: T0 - DAY - i }),
    );
    const recent = Array.from({ length: 10 }, (_, i) => loginEvent({ eventId: `new-${i}`, at: T0 + i - 5 }));
    await events.insertMany([...old, ...recent], T0);
    expect(await events.deleteOlderThan(T0)).toBe(11_005);
    expect(await events.get('old-0')).toBeUndefined();
    expect(await events.get('new-4')).toBeUndefined();
    expect((await events.get('new-5'))?.eventId).toBe('new-5');
    expect(await events.deleteOlderThan(T0)).toBe(0);
  });

  it('reads every stored event once, oldest first, a page at a time, also where a page ends inside a millisecond', async () => {
    // 23 events over 5 milliseconds, inserted out of order; pages of 4 end inside shared milliseconds.
    const stored = Array.from({ length: 23 }, (_, i) =>
      loginEvent({ eventId: `k-${(i * 7) % 23}`, at: T0 + (i % 5) }),
    );
    await events.insertMany(stored, T0);
    const pages: string[][] = [];
    for await (const page of events.inTimeOrder(4)) pages.push(page.map((e) => e.eventId));
    expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
    const expected = [...stored]
      .sort((a, b) => a.timestampMs - b.timestampMs || (a.eventId < b.eventId ? -1 : 1))
      .map((e) => e.eventId);
    expect(pages.flat()).toEqual(expected);
    const empty = await openTestDatabase();
    const none: unknown[] = [];
    for await (const page of new EventRepository(empty.db).inTimeOrder(4)) none.push(page);
    await empty.cleanup();
    expect(none).toEqual([]);
  });
});
