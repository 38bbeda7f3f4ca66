import { describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { isKnown, learnLogin } from '../../src/profile/learn-login.js';
import type { LoginObservation } from '../../src/profile/login-observation.js';
import { decodeProfile, encodeProfile } from '../../src/profile/profile-codec.js';
import { emptyProfile, PROFILE_LIMITS } from '../../src/profile/user-profile.js';

const config = resolveScoringConfig();
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function obs(over: Partial<LoginObservation> = {}): LoginObservation {
  return {
    t: T0,
    success: true,
    deviceKey: 'id:laptop',
    device: {
      browser: 'Chrome',
      os: 'Windows',
      type: 'desktop',
      automated: false,
      key: 'id:laptop',
      browserVersion: undefined,
    },
    country: 'IN',
    cityKey: 'IN/New Delhi',
    lat: 28.6,
    lon: 77.2,
    accuracyKm: 25,
    networkKey: 'AS24560',
    networkType: 'residential',
    locationUnreliable: false,
    timezone: 'Asia/Kolkata',
    sessionDurationSec: 1800,
    ...over,
  };
}

describe('user profile', () => {
  it('stays bounded: a user with hundreds of devices, places and networks keeps at most the limits, under 6 KB', () => {
    const profile = emptyProfile(T0);
    for (let i = 0; i < 500; i++) {
      learnLogin(
        profile,
        obs({
          t: T0 + i * 3_600_000,
          deviceKey: `id:device-${i}`,
          device: {
            browser: `Browser ${i}`,
            os: 'Some OS',
            type: 'desktop',
            automated: false,
            key: `id:device-${i}`,
            browserVersion: undefined,
          },
          country: `C${i % 40}`,
          cityKey: `C${i % 40}/City number ${i}`,
          networkKey: `AS${100000 + i}`,
          timezone: `Zone/${i % 9}`,
        }),
        config,
      );
    }
    expect(profile.devices.size).toBe(PROFILE_LIMITS.devices);
    expect(profile.cities.size).toBe(PROFILE_LIMITS.cities);
    expect(profile.networks.size).toBe(PROFILE_LIMITS.networks);
    expect(profile.countries.size).toBe(PROFILE_LIMITS.countries);
    expect(profile.timezones.size).toBe(PROFILE_LIMITS.timezones);
    // The most recent ones are kept: eviction drops the weakest decayed weight.
    expect(profile.devices.has('id:device-499')).toBe(true);
    expect(profile.devices.has('id:device-0')).toBe(false);
    const encoded = encodeProfile(profile);
    expect(Buffer.byteLength(encoded)).toBeLessThan(6 * 1024);
    expect([...decodeProfile(encoded).devices.keys()]).toEqual([...profile.devices.keys()]);
    expect(() => decodeProfile('{"v":2}')).toThrow(/not a version 1 user profile/);
  });

  it('lets old habits fade: a device unused for six months is no longer known', () => {
    const profile = emptyProfile(T0);
    for (let d = 0; d < 10; d++)
      learnLogin(profile, obs({ t: T0 + d * DAY, deviceKey: 'id:old-phone' }), config);
    const halfLife = config.baseline.halfLifeDays * DAY;
    expect(
      isKnown(profile.devices.get('id:old-phone'), T0 + 30 * DAY, halfLife, config.baseline.knownWeight),
    ).toBe(true);
    expect(
      isKnown(profile.devices.get('id:old-phone'), T0 + 400 * DAY, halfLife, config.baseline.knownWeight),
    ).toBe(false);
  });

  it('learns the home time zone, hour habit in local time and session length', () => {
    const profile = emptyProfile(T0);
    for (let d = 0; d < 20; d++) {
      learnLogin(profile, obs({ t: T0 + d * DAY + 4.5 * 3_600_000, sessionDurationSec: 3600 }), config);
    }
    expect(profile.home).toBe('Asia/Kolkata');
    // 04:30 UTC is 10:00 in Delhi: every learned login lands on hour 10 of some day.
    const byHour = new Array(24).fill(0);
    profile.hours.forEach((w, i) => {
      byHour[i % 24] += w;
    });
    expect(byHour.indexOf(Math.max(...byHour))).toBe(10);
    expect(Math.exp(profile.session?.mean ?? 0)).toBeCloseTo(3600, 0);
    expect(profile.learned).toBe(20);
  });

  it('does not learn a VPN exit as a place the user lives', () => {
    const profile = emptyProfile(T0);
    learnLogin(
      profile,
      obs({
        country: 'DE',
        cityKey: 'DE/Frankfurt',
        networkKey: 'AS9009',
        networkType: 'anonymizing',
        locationUnreliable: true,
      }),
      config,
    );
    expect(profile.countries.has('DE')).toBe(false);
    expect(profile.cities.has('DE/Frankfurt')).toBe(false);
    expect(profile.networks.has('AS9009')).toBe(true);
    expect(profile.lastLocated).toBeUndefined();
  });
});
