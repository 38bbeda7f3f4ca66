import { describe, expect, it } from 'vitest';
import { PLACES } from '../helpers/fake-enricher.js';
import {
  codes,
  DAY,
  HOUR,
  loginEvent,
  MIN,
  MONDAY_10_DELHI as T0,
  testPipeline,
} from '../helpers/login-events.js';

const HOME = '10.0.0.1';

/** A user with 30 days of office-hours logins from home in Delhi on one laptop. */
function settledUser(config = {}) {
  const p = testPipeline(config);
  p.enricher
    .at(HOME, PLACES.delhiHome)
    .at('10.0.0.2', PLACES.delhiCafe)
    .at('10.0.0.3', PLACES.gurgaon)
    .at('10.0.1.1', PLACES.delhiMobile)
    .at('10.0.1.2', PLACES.delhiMobile)
    .at('10.0.2.1', PLACES.chicago)
    .at('10.0.2.2', PLACES.london)
    .at('10.0.2.3', PLACES.mumbai)
    .at('10.0.3.1', PLACES.vpnFrankfurt)
    .at('10.0.3.2', PLACES.torBerlin)
    .at('10.0.3.3', PLACES.awsVirginia);
  p.history(30, T0, { ip: HOME });
  return p;
}

describe('IMPOSSIBLE_TRAVEL', () => {
  it('flags a login from Chicago 40 minutes after one in Delhi, and says how fast', () => {
    const p = settledUser();
    p.assess(loginEvent({ at: T0, ip: HOME }));
    const a = p.assess(loginEvent({ at: T0 + 40 * MIN, ip: '10.0.2.1', deviceId: 'attacker-iphone' }));
    const travel = a.reasons.find((r) => r.code === 'IMPOSSIBLE_TRAVEL');
    expect(travel?.message).toMatch(/^12,\d{3} km from New Delhi in 40 min \(1\d,\d{3} km\/h\)$/);
    expect(a.action).toBe('deny');
  });

  it('stays quiet for a traveller on a real flight (Delhi to London in 12 h) on their own laptop', () => {
    const p = settledUser();
    p.assess(loginEvent({ at: T0, ip: HOME }));
    const a = p.assess(loginEvent({ at: T0 + 12 * HOUR, ip: '10.0.2.2' }));
    expect(codes(a)).not.toContain('IMPOSSIBLE_TRAVEL');
    expect(codes(a)).toContain('NEW_COUNTRY');
    expect(a.action).toBe('allow');
  });

  it('never alarms on a short hop, however fast (Delhi to Gurgaon in 5 min)', () => {
    const p = settledUser();
    p.assess(loginEvent({ at: T0, ip: HOME }));
    const a = p.assess(loginEvent({ at: T0 + 5 * MIN, ip: '10.0.0.3' }));
    expect(codes(a)).not.toContain('IMPOSSIBLE_TRAVEL');
    expect(a.action).toBe('allow');
  });

  it('allows for coarse geolocation: a country-level location never proves travel', () => {
    const p = settledUser();
    p.enricher.at('10.0.2.9', { ...PLACES.chicago, accuracyKm: 1000 });
    p.assess(loginEvent({ at: T0, ip: HOME }));
    const a = p.assess(loginEvent({ at: T0 + 10 * MIN, ip: '10.0.2.9' }));
    expect(codes(a)).not.toContain('IMPOSSIBLE_TRAVEL');
  });
});

describe('NEW_DEVICE', () => {
  it('notes a new phone at home but lets it in', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0, ip: HOME, deviceId: 'new-phone', userAgent: 'iPhone' }));
    expect(codes(a)).toEqual(['NEW_DEVICE']);
    expect(a.action).toBe('allow');
  });

  it('challenges a new device from a new country', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0 + DAY, ip: '10.0.2.2', deviceId: 'unknown-pc' }));
    expect(codes(a)).toEqual(expect.arrayContaining(['NEW_DEVICE', 'NEW_COUNTRY']));
    expect(a.action).toBe('challenge');
  });

  it('is quiet for a brand-new user still in the learning period', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome);
    p.assess(loginEvent({ at: T0, ip: HOME }));
    const a = p.assess(loginEvent({ at: T0 + HOUR, ip: HOME, deviceId: 'second-device' }));
    expect(a.action).toBe('allow');
    expect(a.riskScore).toBeLessThan(0.1);
  });
});

describe('NEW_NETWORK', () => {
  it('notes a café network in the home city, and lets it in', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0, ip: '10.0.0.2' }));
    expect(codes(a)).toEqual(['NEW_NETWORK']);
    expect(a.reasons[0]?.message).toBe('First login through AS17488 Hathway (residential)');
    expect(a.action).toBe('allow');
  });

  it('treats a phone hopping between addresses of its carrier as one network', () => {
    const p = settledUser();
    p.assess(loginEvent({ at: T0, ip: '10.0.1.1' }));
    const second = p.assess(loginEvent({ at: T0 + HOUR, ip: '10.0.1.2' }));
    expect(codes(second)).not.toContain('NEW_NETWORK');
  });
});

describe('UNFAMILIAR_LOCATION', () => {
  it('notes a city far from everywhere the user has been, in their own country, and lets it in', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0, ip: '10.0.2.3' })); // Mumbai, same ISP, own laptop
    expect(codes(a)).toEqual(['UNFAMILIAR_LOCATION']);
    expect(a.reasons[0]?.message).toMatch(
      /^Mumbai is 1,1\d\d km from the nearest place this user logs in from \(New Delhi\)$/,
    );
    expect(a.action).toBe('allow');
  });

  it("with a new network at 03:00, challenges a look-alike of the victim's own browser far from home", () => {
    const p = settledUser();
    p.enricher.at('10.0.2.8', { ...PLACES.mumbai, network: { asn: 9829, org: 'BSNL', type: 'residential' } });
    const a = p.assess(loginEvent({ at: T0 - 7 * HOUR, ip: '10.0.2.8' })); // 03:00 local
    expect(codes(a)).toEqual(expect.arrayContaining(['UNFAMILIAR_LOCATION', 'UNUSUAL_HOUR', 'NEW_NETWORK']));
    expect(a.action).toBe('challenge');
  });

  it('stays quiet for a neighbouring city and for a location too coarse to tell', () => {
    const p = settledUser();
    expect(codes(p.assess(loginEvent({ at: T0, ip: '10.0.0.3' })))).not.toContain('UNFAMILIAR_LOCATION');
    p.enricher.at('10.0.2.9', { ...PLACES.mumbai, accuracyKm: 1000 });
    expect(codes(p.assess(loginEvent({ at: T0 + HOUR, ip: '10.0.2.9' })))).not.toContain(
      'UNFAMILIAR_LOCATION',
    );
  });
});

describe('UNUSUAL_HOUR', () => {
  it('flags 03:00 local for an office-hours user, alone not enough to challenge', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0 - 7 * HOUR, ip: HOME })); // 03:00 in Delhi
    expect(codes(a)).toEqual(['UNUSUAL_HOUR']);
    expect(a.reasons[0]?.message).toMatch(
      /^Login at 03:00 Asia\/Kolkata time; usually 10:00–11:00, 13:00–14:00, 16:00–17:00$/,
    );
    expect(a.action).toBe('allow');
  });

  it('is normal for a night-shift worker at 03:00', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome);
    p.history(30, T0 - 8 * HOUR, { ip: HOME }); // 02:00, 05:00, 08:00 Delhi
    const a = p.assess(loginEvent({ at: T0 - 7 * HOUR + DAY, ip: HOME }));
    expect(codes(a)).not.toContain('UNUSUAL_HOUR');
  });

  it('combined with a new device and network at night, challenges', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0 - 7 * HOUR, ip: '10.0.0.2', deviceId: 'stranger' }));
    expect(codes(a)).toEqual(expect.arrayContaining(['UNUSUAL_HOUR', 'NEW_DEVICE', 'NEW_NETWORK']));
    expect(a.action).toBe('challenge');
  });
});

describe('BRUTE_FORCE', () => {
  it('denies the guess that works after 30 quick failures', () => {
    const p = settledUser();
    for (let i = 0; i < 30; i++) {
      p.assess(loginEvent({ at: T0 + i * 5000, ip: '10.0.2.1', success: false, deviceId: 'bot' }));
    }
    const a = p.assess(loginEvent({ at: T0 + 31 * 5000, ip: '10.0.2.1', deviceId: 'bot' }));
    expect(a.action).toBe('deny');
    expect(codes(a)).toEqual(expect.arrayContaining(['ACCOUNT_LOCKED', 'BRUTE_FORCE']));
  });

  it('lets a typo through: two failures then the right password', () => {
    const p = settledUser();
    p.assess(loginEvent({ at: T0, ip: HOME, success: false }));
    p.assess(loginEvent({ at: T0 + 10_000, ip: HOME, success: false }));
    const a = p.assess(loginEvent({ at: T0 + 20_000, ip: HOME, failedAttempts: 2 }));
    expect(codes(a)).toEqual([]);
    expect(a.action).toBe('allow');
  });

  it('catches low-and-slow guessing: one try every 40 minutes from rotating places for a day', () => {
    const p = settledUser();
    const ips = ['10.0.2.1', '10.0.2.2', '10.0.3.3'];
    for (let i = 0; i < 36; i++) {
      p.assess(loginEvent({ at: T0 + i * 40 * MIN, ip: ips[i % 3], success: false, deviceId: `g${i}` }));
    }
    const a = p.assess(loginEvent({ at: T0 + 36 * 40 * MIN, ip: '10.0.2.1', deviceId: 'g-last' }));
    expect(a.action).toBe('deny');
    expect(codes(a)).toContain('BRUTE_FORCE');
  });
});

describe('PASSWORD_SPRAY', () => {
  it('flags one IP failing for many users, and denies the one that worked', () => {
    const p = settledUser();
    p.enricher.at('10.9.9.9', PLACES.chicago);
    for (let u = 0; u < 20; u++) {
      p.assess(loginEvent({ at: T0 + u * 30_000, userId: `user${u}`, ip: '10.9.9.9', success: false }));
    }
    const a = p.assess(loginEvent({ at: T0 + 21 * 30_000, userId: 'user21', ip: '10.9.9.9' }));
    expect(codes(a)).toContain('PASSWORD_SPRAY');
    expect(a.reasons[0]?.message).toMatch(
      /^10\.9\.9\.9 failed logins for 20 users in 60 min \(95% of its attempts failed\)$/,
    );
    expect(a.action).toBe('deny');
  });

  it('stays quiet for an office where 60 colleagues log in behind one address and a few mistype', () => {
    const p = testPipeline();
    p.enricher.at('10.8.8.8', PLACES.delhiHome);
    let last = p.assess(loginEvent({ at: T0, userId: 'first', ip: '10.8.8.8' }));
    for (let u = 0; u < 60; u++) {
      const user = `colleague${u}`;
      if (u % 8 === 0)
        p.assess(loginEvent({ at: T0 + u * 20_000, userId: user, ip: '10.8.8.8', success: false }));
      last = p.assess(loginEvent({ at: T0 + u * 20_000 + 5000, userId: user, ip: '10.8.8.8' }));
      expect(codes(last)).not.toContain('PASSWORD_SPRAY');
    }
    expect(last.action).toBe('allow');
  });
});

describe('CREDENTIAL_STUFFING', () => {
  it('flags one client failing across many users from rotating addresses', () => {
    const p = settledUser();
    const bot = 'python-requests/2.31';
    for (let i = 0; i < 40; i++) {
      const ip = `10.7.${i}.1`;
      p.enricher.at(ip, PLACES.awsVirginia);
      p.assess(
        loginEvent({
          at: T0 + i * 20_000,
          userId: `victim${i}`,
          ip,
          userAgent: bot,
          deviceId: undefined,
          success: false,
        }),
      );
    }
    p.enricher.at('10.7.99.1', PLACES.chicago);
    const a = p.assess(
      loginEvent({
        at: T0 + 41 * 20_000,
        userId: 'victim41',
        ip: '10.7.99.1',
        userAgent: bot,
        deviceId: undefined,
      }),
    );
    expect(codes(a)).toContain('CREDENTIAL_STUFFING');
    expect(a.action).not.toBe('allow');
  });

  it('ignores a popular browser whose users mostly succeed', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome);
    let last = p.assess(loginEvent({ at: T0, ip: HOME }));
    for (let i = 0; i < 100; i++) {
      if (i % 10 === 0)
        p.assess(loginEvent({ at: T0 + i * 10_000, userId: `u${i}`, ip: HOME, success: false }));
      last = p.assess(loginEvent({ at: T0 + i * 10_000 + 1, userId: `u${i}`, ip: HOME }));
    }
    expect(codes(last)).not.toContain('CREDENTIAL_STUFFING');
  });
});

describe('ANONYMIZING_NETWORK and HOSTING_NETWORK', () => {
  it('challenges a Tor login from a new device', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0, ip: '10.0.3.2', deviceId: 'tor-browser' }));
    expect(codes(a)).toEqual(expect.arrayContaining(['ANONYMIZING_NETWORK', 'NEW_DEVICE']));
    expect(a.action).toBe('challenge');
  });

  it('lets a steady VPN user in, with no impossible travel between home and the VPN exit', () => {
    const p = testPipeline();
    p.enricher.at(HOME, PLACES.delhiHome).at('10.0.3.1', PLACES.vpnFrankfurt);
    for (let d = 30; d >= 1; d--) {
      p.assess(loginEvent({ at: T0 - d * DAY, ip: HOME }));
      p.assess(loginEvent({ at: T0 - d * DAY + 20 * MIN, ip: '10.0.3.1' }));
    }
    p.assess(loginEvent({ at: T0, ip: HOME }));
    const a = p.assess(loginEvent({ at: T0 + 5 * MIN, ip: '10.0.3.1' }));
    expect(codes(a)).not.toContain('IMPOSSIBLE_TRAVEL');
    expect(a.action).toBe('allow');
    expect(a.riskScore).toBeLessThan(0.2);
  });

  it('notes a login from a cloud provider', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0, ip: '10.0.3.3' }));
    expect(codes(a)).toEqual(['HOSTING_NETWORK']);
    expect(a.action).toBe('allow');
  });
});

describe('client and behaviour signals', () => {
  it('flags a scripted client and a low behavioural score', () => {
    const p = settledUser();
    const a = p.assess(
      loginEvent({
        at: T0,
        ip: HOME,
        deviceId: undefined,
        userAgent: 'python-requests/2.31',
        behavioralScore: 0.05,
      }),
    );
    expect(codes(a)).toEqual(expect.arrayContaining(['AUTOMATED_CLIENT', 'LOW_BEHAVIORAL_SCORE']));
    expect(a.action).not.toBe('allow');
  });

  it('accepts an ordinary behavioural score', () => {
    const p = settledUser();
    const a = p.assess(loginEvent({ at: T0, ip: HOME, behavioralScore: 0.55 }));
    expect(codes(a)).toEqual([]);
  });

  it('counts failures the identity provider reports but loginguard never saw', () => {
    const p = settledUser();
    const many = p.assess(loginEvent({ at: T0, ip: HOME, failedAttempts: 8 }));
    expect(codes(many)).toEqual(['REPORTED_FAILED_ATTEMPTS']);
    const typo = p.assess(loginEvent({ at: T0 + HOUR, ip: HOME, failedAttempts: 1 }));
    expect(codes(typo)).toEqual([]);
  });
});

describe('learning', () => {
  it('never learns from a denied login: the attacker stays a stranger', () => {
    const p = settledUser();
    p.assess(loginEvent({ at: T0, ip: HOME }));
    const first = p.assess(loginEvent({ at: T0 + 30 * MIN, ip: '10.0.2.1', deviceId: 'attacker' }));
    expect(first.action).toBe('deny');
    const second = p.assess(loginEvent({ at: T0 + 2 * DAY, ip: '10.0.2.1', deviceId: 'attacker' }));
    expect(codes(second)).toEqual(expect.arrayContaining(['NEW_DEVICE', 'NEW_COUNTRY']));
  });

  it('learns a challenged login once the user passed MFA', () => {
    const p = settledUser();
    const challenged = p.assess(loginEvent({ at: T0, ip: '10.0.2.2', deviceId: 'hotel-pc', mfa: 'passed' }));
    expect(challenged.action).toBe('challenge');
    const later = p.assess(loginEvent({ at: T0 + 2 * HOUR, ip: '10.0.2.2', deviceId: 'hotel-pc' }));
    expect(later.action).toBe('allow');
  });
});
