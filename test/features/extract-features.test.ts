import { beforeAll, describe, expect, it } from 'vitest';
import type { RULE_DETECTORS } from '../../src/detect/rule-detectors.js';
import { loadAsnTable } from '../../src/enrich/asn-table.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { openGeoIp } from '../../src/enrich/geoip.js';
import { validateEvent } from '../../src/event/validate-event.js';
import { extractFeatures } from '../../src/features/extract-features.js';
import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  FEATURES,
  type FeatureName,
} from '../../src/features/feature-names.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import { buildIpPool } from '../../src/simulate/ip-pool.js';
import { FakeEnricher, PLACES } from '../helpers/fake-enricher.js';
import { DAY, HOUR, loginEvent, MIN, MONDAY_10_DELHI as T0 } from '../helpers/login-events.js';
import { featurePipeline, type Scored } from './feature-pipeline.js';

const HOME = '10.0.0.1';
const LONDON = '10.0.2.2';
const CHICAGO = '10.0.2.1';
const VPN = '10.0.3.1';
const GURGAON = '10.0.0.3';
const NOWHERE = '192.0.2.77';

function fakeEnricher(): FakeEnricher {
  return new FakeEnricher()
    .at(HOME, PLACES.delhiHome)
    .at(LONDON, PLACES.london)
    .at(CHICAGO, PLACES.chicago)
    .at(VPN, PLACES.vpnFrankfurt)
    .at(GURGAON, PLACES.gurgaon);
}

/**
 * A user with 30 days of logins at 10:00, 13:00 and 16:00 Delhi time, from home on one laptop,
 * each session lasting half an hour.
 */
function settledUser() {
  const p = featurePipeline(fakeEnricher());
  for (let d = 30; d >= 1; d--) {
    for (const h of [0, 3, 6]) {
      p.assess(loginEvent({ at: T0 - d * DAY + h * HOUR, ip: HOME, sessionDurationSec: 1800 }));
    }
  }
  return p;
}

describe('extractFeatures on generated data', () => {
  const rows: Float64Array[] = [];
  const scored: { codes: string[]; label: string; success: boolean }[] = [];

  beforeAll(() => {
    const geoIp = openGeoIp();
    const asnTable = loadAsnTable();
    const pool = buildIpPool({ geoIp, asnTable });
    const p = featurePipeline(createEnricher({ geoIp, asnTable }));
    const run = generateDataset({ users: 150, days: 14, seed: 11, pool, attackRate: 3 });
    for (const record of run.records) {
      const result = validateEvent(record);
      if (!result.ok) throw new Error(`generated record did not validate: ${JSON.stringify(result.errors)}`);
      const s = p.assess(result.event);
      rows.push(s.features);
      scored.push({
        codes: s.assessment.reasons.map((r) => r.code),
        label: record.label,
        success: record.success,
      });
    }
  });

  it('gives every login a finite value inside each feature’s documented range', () => {
    expect(rows.length).toBeGreaterThan(5000);
    const outside: string[] = [];
    rows.forEach((row, i) => {
      FEATURES.forEach((spec, f) => {
        const v = row[f] ?? Number.NaN;
        if (!Number.isFinite(v) || v < spec.min || v > spec.max)
          outside.push(`event ${i}: ${spec.name} = ${v}`);
      });
    });
    expect(outside.slice(0, 10)).toEqual([]);
  });

  it('varies every feature across the data set, except those the generator never exercises', () => {
    // The generator always sends a point location (accuracy 10 km) and a behavioural score.
    const constantByDesign = new Set<FeatureName>(['geo_accuracy_log_km', 'behavioral_missing']);
    const constant = FEATURE_NAMES.filter((_name, f) => {
      const first = rows[0]?.[f];
      return rows.every((row) => row[f] === first);
    });
    expect(new Set(constant)).toEqual(constantByDesign);
  });

  it('agrees with the rules that fired on the same login', () => {
    const at = (row: Float64Array, name: FeatureName) => row[FEATURE_NAMES.indexOf(name)] ?? Number.NaN;
    const checked = new Map<string, number>();
    const disagreements: string[] = [];
    const expectThat = (code: string, ok: boolean, i: number) => {
      checked.set(code, (checked.get(code) ?? 0) + 1);
      if (!ok) disagreements.push(`${code} on event ${i}`);
    };
    rows.forEach((row, i) => {
      const codes: readonly string[] = scored[i]?.codes ?? [];
      if (codes.includes('NEW_DEVICE')) expectThat('NEW_DEVICE', at(row, 'device_known') === 0, i);
      if (codes.includes('NEW_COUNTRY')) expectThat('NEW_COUNTRY', at(row, 'country_known') === 0, i);
      if (codes.includes('IMPOSSIBLE_TRAVEL'))
        expectThat(
          'IMPOSSIBLE_TRAVEL',
          at(row, 'travel_missing') === 0 && at(row, 'travel_log_kmh') > Math.log1p(1000),
          i,
        );
      if (codes.includes('UNUSUAL_HOUR'))
        expectThat('UNUSUAL_HOUR', at(row, 'hour_share') < 0.15 / 24 && at(row, 'hour_distance') >= 1, i);
      if (codes.includes('ANONYMIZING_NETWORK'))
        expectThat('ANONYMIZING_NETWORK', at(row, 'net_anonymizing') === 1, i);
      if (codes.includes('PASSWORD_SPRAY'))
        expectThat(
          'PASSWORD_SPRAY',
          at(row, 'ip_failed_users_log') >= Math.log1p(6) && at(row, 'ip_failure_ratio') >= 0.6,
          i,
        );
    });
    expect(disagreements.slice(0, 10)).toEqual([]);
    // Each rule fired somewhere, so each comparison was made.
    expect([...checked.keys()].sort()).toEqual(
      [
        'ANONYMIZING_NETWORK',
        'IMPOSSIBLE_TRAVEL',
        'NEW_COUNTRY',
        'NEW_DEVICE',
        'PASSWORD_SPRAY',
        'UNUSUAL_HOUR',
      ].sort(),
    );
  });

  it('sets attacker successes apart from benign ones on device novelty', () => {
    const deviceKnown = FEATURE_NAMES.indexOf('device_known');
    const share = (label: (l: string) => boolean) => {
      const picked = rows.filter((_, i) => scored[i]?.success && label(scored[i]?.label ?? ''));
      return picked.filter((row) => row[deviceKnown] === 0).length / picked.length;
    };
    const takeovers = share((l) => l === 'new_device_odd_hours' || l === 'impossible_travel');
    const benign = share((l) => l === 'benign');
    expect(takeovers).toBeGreaterThan(0.5);
    expect(benign).toBeLessThan(0.2);
  });
});

describe('extractFeatures on a settled user', () => {
  let usual: Scored;
  let attack: Scored;

  beforeAll(() => {
    // 13:00 in Delhi on a Monday, at home, on the usual laptop.
    usual = settledUser().assess(loginEvent({ at: T0 + 3 * HOUR, ip: HOME, sessionDurationSec: 1800 }));
    // 03:10 in Delhi (21:40 in London), from London, on a device never seen.
    attack = settledUser().assess(
      loginEvent({
        at: T0 + 17 * HOUR + 10 * MIN,
        ip: LONDON,
        deviceId: 'unknown-pc',
        sessionDurationSec: 18_000,
      }),
    );
  });

  it('marks the known device, places and network as known and frequent, and the attacker’s as new', () => {
    for (const name of ['device_known', 'country_known', 'city_known', 'network_known'] as const) {
      expect([name, usual.get(name)]).toEqual([name, 1]);
      expect([name, attack.get(name)]).toEqual([name, 0]);
    }
    for (const name of ['device_share', 'country_share', 'city_share', 'network_share'] as const) {
      expect(usual.get(name)).toBeCloseTo(1, 6);
      expect(attack.get(name)).toBe(0);
    }
  });

  it('measures the distance from the last login and from home', () => {
    expect(usual.get('travel_missing')).toBe(0);
    expect(attack.get('travel_missing')).toBe(0);
    expect(usual.get('travel_log_km')).toBeCloseTo(0, 6);
    expect(usual.get('home_log_km')).toBeCloseTo(0, 6);
    // Delhi to London is about 6,700 km, reached 35 h after the last login: fast, not impossible.
    expect(Math.expm1(attack.get('travel_log_km'))).toBeGreaterThan(6500);
    expect(Math.expm1(attack.get('travel_log_km'))).toBeLessThan(6900);
    expect(attack.get('home_log_km')).toBeCloseTo(attack.get('travel_log_km'), 6);
    expect(Math.expm1(attack.get('travel_log_kmh'))).toBeGreaterThan(150);
    expect(Math.expm1(attack.get('travel_log_kmh'))).toBeLessThan(200);
  });

  it('implies no speed for a hop shorter than the two locations’ uncertainty', () => {
    // Delhi to Gurgaon is about 25 km; each location is accurate to 25 km.
    const hop = settledUser().assess(loginEvent({ at: T0 - DAY + 6 * HOUR + 5 * MIN, ip: GURGAON }));
    expect(Math.expm1(hop.get('travel_log_km'))).toBeGreaterThan(20);
    expect(Math.expm1(hop.get('travel_log_km'))).toBeLessThan(30);
    expect(hop.get('travel_log_kmh')).toBe(0);
  });

  it('places 13:00 inside the habit and 03:10 (21:40 where the login is) far from it', () => {
    expect(usual.get('hour_distance')).toBe(0);
    // 13:00 holds a third of the logins, its neighbours none: ½ × ⅓ after smoothing.
    expect(usual.get('hour_share')).toBeCloseTo(1 / 6, 6);
    expect(attack.get('hour_share')).toBe(0);
    // Nearest usual hour: 16:00, five hours before 21:40 London time (03:10 in Delhi is seven from 10:00).
    expect(attack.get('hour_distance')).toBe(5);
  });

  it('compares the session length with the user’s own', () => {
    expect(usual.get('session_missing')).toBe(0);
    expect(usual.get('session_z')).toBeCloseTo(0, 3);
    expect(attack.get('session_missing')).toBe(0);
    expect(attack.get('session_z')).toBe(6); // ten times the usual half hour, clamped
  });

  it('says the same about what both logins share', () => {
    for (const name of ['success', 'profile_maturity', 'net_residential', 'behavioral_missing'] as const) {
      expect([name, attack.get(name)]).toEqual([name, usual.get(name)]);
    }
    expect(usual.get('profile_maturity')).toBe(1);
  });

  it('measures the hour at home when the user is at home', () => {
    const night = settledUser().assess(loginEvent({ at: T0 + 17 * HOUR + 10 * MIN, ip: HOME }));
    expect(night.get('hour_distance')).toBe(7); // 03:10 to 10:00
  });
});

describe('extractFeatures with little to go on', () => {
  it('gives a user never seen neutral habits and says what is missing', () => {
    const p = featurePipeline(fakeEnricher());
    const first = p.assess(loginEvent({ at: T0, ip: HOME, userId: 'new@example.com' }));
    expect(first.get('profile_maturity')).toBe(0);
    expect(first.get('device_known')).toBe(0);
    expect(first.get('hour_share')).toBeCloseTo(1 / 24, 12);
    expect(first.get('hour_distance')).toBe(0);
    expect(first.get('weekday_share')).toBeCloseTo(1 / 7, 12);
    expect(first.get('travel_missing')).toBe(1);
    expect(first.get('session_missing')).toBe(1);
    expect(first.get('gap_log_hours')).toBe(0);
  });

  it('marks a missing behavioural score and keeps a sent one', () => {
    const p = featurePipeline(fakeEnricher());
    const none = p.assess(loginEvent({ at: T0, ip: HOME }));
    expect([none.get('behavioral_score'), none.get('behavioral_missing')]).toEqual([1, 1]);
    const low = p.assess(loginEvent({ at: T0 + MIN, ip: HOME, behavioralScore: 0.2 }));
    expect(low.get('behavioral_score')).toBeCloseTo(0.2, 12);
    expect(low.get('behavioral_missing')).toBe(0);
  });

  it('treats a login without location as nothing new about places, and says travel is unknown', () => {
    const p = settledUser();
    const s = p.assess(loginEvent({ at: T0 + HOUR, ip: NOWHERE }));
    expect(s.get('country_known')).toBe(1);
    expect(s.get('city_share')).toBe(1);
    expect(s.get('travel_missing')).toBe(1);
    expect(s.get('travel_log_km')).toBe(0);
    expect(s.get('geo_accuracy_log_km')).toBeCloseTo(Math.log1p(1000), 12);
  });

  it('does not measure travel to a VPN exit', () => {
    const s = settledUser().assess(loginEvent({ at: T0 + HOUR, ip: VPN }));
    expect(s.get('net_anonymizing')).toBe(1);
    expect(s.get('travel_missing')).toBe(1);
    expect(s.get('home_log_km')).toBe(0);
  });

  it('counts a burst of failures per user, per (user, IP) and per IP', () => {
    const p = settledUser();
    let last: Scored | undefined;
    for (let i = 0; i < 12; i++) {
      last = p.assess(
        loginEvent({ at: T0 + i * MIN, ip: CHICAGO, success: false, deviceId: 'guesser', failedAttempts: i }),
      );
    }
    expect(last?.get('user_failures_fast_log')).toBeCloseTo(Math.log1p(12), 12);
    expect(last?.get('user_failures_slow_log')).toBeCloseTo(Math.log1p(12), 12);
    expect(last?.get('user_ip_failures_log')).toBeCloseTo(Math.log1p(12), 12);
    expect(last?.get('ip_failure_ratio')).toBe(1);
    expect(last?.get('ip_failed_users_log')).toBeCloseTo(Math.log1p(1), 12);
    expect(last?.get('reported_failures_log')).toBeCloseTo(Math.log1p(11), 12);
    expect(last?.get('success')).toBe(0);
  });
});

describe('extractFeatures output', () => {
  function oneContext() {
    const p = featurePipeline(fakeEnricher());
    let captured: Parameters<(typeof RULE_DETECTORS)[number]>[0] | undefined;
    p.assess(loginEvent({ at: T0, ip: HOME }), (ctx) => {
      captured = ctx;
    });
    if (!captured) throw new Error('no context');
    return captured;
  }

  it('writes its slice at the offset and nothing else, in single or double precision', () => {
    const ctx = oneContext();
    const reference = new Float64Array(FEATURE_COUNT);
    extractFeatures(ctx, reference);
    const wide = new Float32Array(3 * FEATURE_COUNT).fill(-7);
    extractFeatures(ctx, wide, FEATURE_COUNT);
    expect(wide.slice(0, FEATURE_COUNT).every((v) => v === -7)).toBe(true);
    expect(wide.slice(2 * FEATURE_COUNT).every((v) => v === -7)).toBe(true);
    expect([...wide.slice(FEATURE_COUNT, 2 * FEATURE_COUNT)]).toEqual([...reference].map(Math.fround));
  });

  it('refuses an array without room for the vector', () => {
    const ctx = oneContext();
    expect(() => extractFeatures(ctx, new Float64Array(FEATURE_COUNT - 1))).toThrow(RangeError);
    expect(() => extractFeatures(ctx, new Float64Array(FEATURE_COUNT), 1)).toThrow(
      /needs \d+ slots at offset 1/,
    );
  });
});
