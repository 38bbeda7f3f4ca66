import { describe, expect, it } from 'vitest';
import { PLACES } from '../helpers/fake-enricher.js';
import { loginEvent, MIN, MONDAY_10_DELHI as T0, testPipeline } from '../helpers/login-events.js';

describe('monitor-only mode (policy.mode: monitor)', () => {
  it('answers allow even to a brute-force success on a locked account, says what enforcement would have done, and learns nothing from the attacker', () => {
    const p = testPipeline({ policy: { mode: 'monitor' } });
    p.enricher.at('10.0.0.1', PLACES.delhiHome).at('10.0.2.1', PLACES.chicago);
    p.history(30, T0, { ip: '10.0.0.1' });
    for (let i = 0; i < 12; i++) {
      p.assess(loginEvent({ at: T0 + i * 10_000, ip: '10.0.2.1', deviceId: 'attacker', success: false }));
    }
    const a = p.assess(loginEvent({ at: T0 + 3 * MIN, ip: '10.0.2.1', deviceId: 'attacker' }));
    expect(a.action).toBe('allow');
    expect(a.monitor).toEqual({ action: 'deny' });
    expect(a.accountLocked).toBe(true);
    expect(a.reasons[0]?.code).toBe('ACCOUNT_LOCKED');
    expect([...(p.state.getProfile('alice@example.com')?.devices.keys() ?? [])]).not.toContain('id:attacker');
  });

  it('is absent when enforcing', () => {
    const p = testPipeline();
    p.enricher.at('10.0.0.1', PLACES.delhiHome);
    expect(p.assess(loginEvent({ at: T0, ip: '10.0.0.1' })).monitor).toBeUndefined();
  });
});
