import { describe, expect, it } from 'vitest';
import { PLACES } from '../helpers/fake-enricher.js';
import {
  codes,
  HOUR,
  loginEvent,
  MIN,
  MONDAY_10_DELHI as T0,
  testPipeline,
} from '../helpers/login-events.js';

const HOME = '10.0.0.1';
const ATTACKER = '10.6.6.6';

function targetedUser() {
  const p = testPipeline();
  p.enricher.at(HOME, PLACES.delhiHome).at(ATTACKER, PLACES.chicago);
  p.history(30, T0, { ip: HOME });
  const fail = (at: number) =>
    p.assess(loginEvent({ at, ip: ATTACKER, success: false, deviceId: 'bot', userAgent: 'curl/8' }));
  return { ...p, fail };
}

describe('account lockout', () => {
  it('locks on the 10th failure in 15 minutes and denies even the right password while locked', () => {
    const p = targetedUser();
    for (let i = 0; i < 9; i++) expect(p.fail(T0 + i * 10_000).accountLocked).toBe(false);
    const tenth = p.fail(T0 + 90_000);
    expect(tenth.accountLocked).toBe(true);
    expect(codes(tenth)[0]).toBe('ACCOUNT_LOCKED');

    // The owner, from their own laptop at home, with the right password: still denied while locked.
    const owner = p.assess(loginEvent({ at: T0 + 3 * MIN, ip: HOME }));
    expect(owner.action).toBe('deny');
    expect(owner.accountLocked).toBe(true);
    expect(owner.reasons[0]?.message).toMatch(
      /^Account locked for brute force until 2024-03-04T04:36:30\.000Z \(lock 1, 5 min\)$/,
    );
  });

  it('unlocks after the back-off: the owner gets in once the lock and the failures are behind', () => {
    const p = targetedUser();
    for (let i = 0; i < 10; i++) p.fail(T0 + i * 10_000);
    const after = p.assess(loginEvent({ at: T0 + 20 * MIN, ip: HOME }));
    expect(after.accountLocked).toBe(false);
    expect(after.action).toBe('allow');
  });

  it('backs off progressively while the attack goes on: 5, 10, 20 minutes…', () => {
    const p = targetedUser();
    const lockLengths: number[] = [];
    let t = T0;
    for (let i = 0; i < 200 && lockLengths.length < 4; i++, t += 15_000) {
      p.fail(t);
      const lock = p.state.getLock('alice@example.com');
      if (lock && lock.lastLockAt === t) lockLengths.push((lock.until - lock.lastLockAt) / MIN);
    }
    expect(lockLengths).toEqual([5, 10, 20, 40]);
  });

  it('starts the back-off over after 12 quiet hours', () => {
    const p = targetedUser();
    for (let i = 0; i < 10; i++) p.fail(T0 + i * 10_000);
    for (let i = 0; i < 10; i++) p.fail(T0 + 13 * HOUR + i * 10_000);
    const lock = p.state.getLock('alice@example.com');
    expect(lock?.count).toBe(1);
    expect(lock && (lock.until - lock.lastLockAt) / MIN).toBe(5);
  });

  it('denies the password that finally works on the 100th try', () => {
    const p = targetedUser();
    for (let i = 0; i < 99; i++) p.fail(T0 + i * 3000);
    const hit = p.assess(
      loginEvent({ at: T0 + 99 * 3000, ip: ATTACKER, deviceId: 'bot', userAgent: 'curl/8' }),
    );
    expect(hit.action).toBe('deny');
    expect(codes(hit)).toEqual(expect.arrayContaining(['ACCOUNT_LOCKED', 'BRUTE_FORCE']));
  });

  it('can be switched off by config', () => {
    const p = testPipeline({ lockout: { enabled: false } });
    p.enricher.at(ATTACKER, PLACES.chicago);
    for (let i = 0; i < 30; i++) {
      const a = p.assess(loginEvent({ at: T0 + i * 1000, ip: ATTACKER, success: false }));
      expect(a.accountLocked).toBe(false);
    }
  });
});
