import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockState } from '../../src/decide/lockout.js';
import { LockoutRepository } from '../../src/store/lockout-repository.js';
import { openTestDatabase } from './temp-database.js';

const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;
let locks: LockoutRepository;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  locks = new LockoutRepository(t.db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

const lock = (untilMin: number, count = 1): LockState => ({
  until: T0 + untilMin * MIN,
  count,
  lastLockAt: T0,
});

describe('LockoutRepository', () => {
  it('puts, replaces, reads and deletes a lock', async () => {
    await locks.put('alice', lock(15));
    expect(await locks.get('alice')).toEqual(lock(15));
    await locks.put('alice', lock(30, 2));
    expect(await locks.get('alice')).toEqual(lock(30, 2));
    await locks.delete('alice');
    expect(await locks.get('alice')).toBeUndefined();
  });

  it('puts and deletes many at once', async () => {
    await locks.putMany(
      new Map([
        ['a', lock(1)],
        ['b', lock(2)],
        ['c', lock(3)],
      ]),
    );
    expect(await locks.getMany(['a', 'c', 'z'])).toEqual(
      new Map([
        ['a', lock(1)],
        ['c', lock(3)],
      ]),
    );
    await locks.deleteMany(['a', 'b']);
    expect([...(await locks.getMany(['a', 'b', 'c'])).keys()]).toEqual(['c']);
  });

  it('lists the users still locked at a time, soonest to expire first', async () => {
    await locks.putMany(
      new Map([
        ['late', lock(60)],
        ['expired', lock(5)],
        ['soon', lock(20)],
      ]),
    );
    const locked = await locks.listLocked(T0 + 10 * MIN);
    expect(locked).toEqual([
      { userId: 'soon', lock: lock(20) },
      { userId: 'late', lock: lock(60) },
    ]);
    expect(await locks.listLocked(T0 + 60 * MIN)).toEqual([]);
    expect((await locks.listLocked(T0, 1)).map((l) => l.userId)).toEqual(['expired']);
  });
});
