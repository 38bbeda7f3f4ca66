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

describe('service accounts and new users', () => {
  it('learns a scripted client on a cloud host during its learning period, then lets it in', () => {
    const p = testPipeline();
    p.enricher.at('10.5.5.5', PLACES.awsVirginia);
    const bot = {
      userId: 'svc-backup@example.com',
      ip: '10.5.5.5',
      userAgent: 'python-requests/2.31',
      deviceId: undefined,
    };
    const first = p.assess(loginEvent({ at: T0, ...bot }));
    expect(first.action).toBe('challenge');
    expect(codes(first)).toEqual(expect.arrayContaining(['AUTOMATED_CLIENT', 'HOSTING_NETWORK']));
    let last = first;
    for (let i = 1; i < 40; i++) last = p.assess(loginEvent({ at: T0 + i * 30 * MIN, ...bot }));
    expect(last.action).toBe('allow');
    expect(codes(last)).toEqual([]);
  });

  it('does not learn a challenged login once the baseline is settled', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome).at('10.0.3.2', PLACES.torBerlin);
    p.history(30, T0, { ip: HOME });
    for (let i = 0; i < 5; i++) {
      const a = p.assess(loginEvent({ at: T0 + i * HOUR, ip: '10.0.3.2', deviceId: 'tor-browser' }));
      expect(a.action).toBe('challenge');
    }
  });
});

describe('smart lockout', () => {
  it('does not lock the owner out for their phone retrying an old password', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome);
    p.history(30, T0, { ip: HOME, deviceId: 'alice-phone' });
    // The phone mail app retries the old password every 2 minutes for an hour.
    let last = p.assess(loginEvent({ at: T0, ip: HOME, deviceId: 'alice-phone', success: false }));
    for (let i = 1; i < 30; i++) {
      last = p.assess(
        loginEvent({ at: T0 + i * 2 * MIN, ip: HOME, deviceId: 'alice-phone', success: false }),
      );
    }
    expect(last.accountLocked).toBe(false);
    const owner = p.assess(loginEvent({ at: T0 + 61 * MIN, ip: HOME, deviceId: 'alice-laptop' }));
    expect(owner.action).toBe('allow');
  });

  it('still locks for the same number of failures from a stranger', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome).at('10.6.6.6', PLACES.chicago);
    p.history(30, T0, { ip: HOME, deviceId: 'alice-phone' });
    let last = p.assess(loginEvent({ at: T0, ip: '10.6.6.6', deviceId: 'x', success: false }));
    for (let i = 1; i < 30; i++)
      last = p.assess(loginEvent({ at: T0 + i * 2 * MIN, ip: '10.6.6.6', deviceId: 'x', success: false }));
    expect(last.accountLocked).toBe(true);
  });
});

describe('graded signals', () => {
  it('weighs an evening just past the habit less than the middle of the night', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome);
    p.history(30, T0, { ip: HOME }); // 10:00, 13:00, 16:00 Delhi
    const evening = p.assess(loginEvent({ at: T0 + 9 * HOUR, ip: HOME })); // 19:00
    const night = p.assess(loginEvent({ at: T0 + 17 * HOUR, ip: HOME })); // 03:00
    const score = (a: typeof night) => a.reasons.find((r) => r.code === 'UNUSUAL_HOUR')?.score ?? 0;
    expect(score(evening)).toBeGreaterThan(0);
    expect(score(evening)).toBeLessThan(score(night));
    expect(score(night)).toBe(0.35);
  });

  it('lets a new phone on a mobile carrier in, but not a new computer on a new broadband network', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome).at('10.0.1.1', PLACES.delhiMobile).at('10.0.0.2', PLACES.delhiCafe);
    p.history(30, T0, { ip: HOME });
    const phone = p.assess(loginEvent({ at: T0 + HOUR, ip: '10.0.1.1', deviceId: 'new-phone' }));
    expect(codes(phone)).toEqual(['NEW_DEVICE', 'NEW_NETWORK']);
    expect(phone.action).toBe('allow');
    const stranger = p.assess(
      loginEvent({ at: T0 + HOUR, userId: 'bob', ip: '10.0.0.2', deviceId: 'unknown-pc' }),
    );
    expect(stranger.action).toBe('allow'); // bob has no history: nothing is "new" yet
    const q = testPipeline();
    q.enricher.at(HOME, PLACES.delhiHome).at('10.0.0.2', PLACES.delhiCafe);
    q.history(30, T0, { ip: HOME });
    const pc = q.assess(loginEvent({ at: T0 + HOUR, ip: '10.0.0.2', deviceId: 'unknown-pc' }));
    expect(codes(pc)).toEqual(['NEW_DEVICE', 'NEW_NETWORK']);
    expect(pc.action).toBe('challenge');
  });
});

describe('credential stuffing wave across a tenant', () => {
  it('flags a login that brings something new while the failure ratio is far above usual', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome).at('10.0.2.2', PLACES.london);
    // Three days of ordinary traffic for 40 users of one application: about 5% failures.
    for (let h = 72; h >= 1; h--) {
      for (let u = 0; u < 40; u++) {
        p.assess(
          loginEvent({
            at: T0 - h * HOUR + u * 1000,
            userId: `user${u}`,
            tenant: 'mail',
            ip: HOME,
            success: (h + u) % 20 !== 0,
          }),
        );
      }
    }
    // A wave: 200 failures on many accounts from many addresses and agents within the hour.
    for (let i = 0; i < 200; i++) {
      const ip = `10.4.${i % 200}.9`;
      p.enricher.at(ip, PLACES.chicago);
      p.assess(
        loginEvent({
          at: T0 + i * 10_000,
          userId: `leaked${i}`,
          tenant: 'mail',
          ip,
          userAgent: `Browser ${i % 7}`,
          success: false,
        }),
      );
    }
    const landed = p.assess(
      loginEvent({ at: T0 + 34 * MIN, userId: 'user3', tenant: 'mail', ip: '10.0.2.2', deviceId: 'stuffer' }),
    );
    expect(codes(landed)).toContain('CREDENTIAL_STUFFING');
    expect(landed.action).not.toBe('allow');
    // The owner on their own laptop at home is not bothered by the wave.
    const owner = p.assess(loginEvent({ at: T0 + 35 * MIN, userId: 'user4', tenant: 'mail', ip: HOME }));
    expect(owner.action).toBe('allow');
    expect(codes(owner)).not.toContain('CREDENTIAL_STUFFING');
  });
});

describe('first time behind an anonymizer', () => {
  it('challenges a settled user on their first VPN ever, then learns it once they pass MFA', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome).at('10.0.3.1', PLACES.vpnFrankfurt);
    p.history(30, T0, { ip: HOME });
    const first = p.assess(loginEvent({ at: T0, ip: '10.0.3.1', mfa: 'passed' }));
    expect(first.action).toBe('challenge');
    expect(first.reasons[0]?.message).toBe(
      'Login through a VPN service (AS9009 M247 Europe), a first for this user',
    );
    const later = p.assess(loginEvent({ at: T0 + HOUR, ip: '10.0.3.1' }));
    expect(later.action).toBe('allow');
    expect(later.reasons[0]?.message).toBe(
      'Login through a VPN service (AS9009 M247 Europe), which this user often uses',
    );
  });
});
