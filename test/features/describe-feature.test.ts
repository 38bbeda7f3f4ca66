import { beforeAll, describe, expect, it } from 'vitest';
import type { DetectionContext } from '../../src/detect/detection-context.js';
import { describeFeature } from '../../src/features/describe-feature.js';
import { FEATURE_INDEX, FEATURES, type FeatureName } from '../../src/features/feature-names.js';
import { FakeEnricher, PLACES } from '../helpers/fake-enricher.js';
import { DAY, HOUR, loginEvent, MIN, MONDAY_10_DELHI as T0 } from '../helpers/login-events.js';
import { featurePipeline } from './feature-pipeline.js';

const HOME = '10.0.0.1';
const LONDON = '10.0.2.2';

/** Phrases for every feature of one login, made while it was scored (the baseline before it). */
let attack: Record<FeatureName, string>;
let usual: Record<FeatureName, string>;
let attackCtx: DetectionContext | undefined;

function describeAll(ctx: DetectionContext, row: Float64Array): Record<FeatureName, string> {
  const out: Partial<Record<FeatureName, string>> = {};
  for (const f of FEATURES)
    out[f.name] = describeFeature(f.name, row[FEATURE_INDEX[f.name]] ?? Number.NaN, ctx);
  return out as Record<FeatureName, string>;
}

function settledUser() {
  const p = featurePipeline(new FakeEnricher().at(HOME, PLACES.delhiHome).at(LONDON, PLACES.london));
  for (let d = 30; d >= 1; d--) {
    for (const h of [0, 3, 6])
      p.assess(loginEvent({ at: T0 - d * DAY + h * HOUR, ip: HOME, sessionDurationSec: 1800 }));
  }
  return p;
}

beforeAll(() => {
  settledUser().assess(loginEvent({ at: T0 + 3 * HOUR, ip: HOME, sessionDurationSec: 1800 }), (ctx, row) => {
    usual = describeAll(ctx, row);
  });
  settledUser().assess(
    loginEvent({
      at: T0 + 17 * HOUR + 10 * MIN,
      ip: LONDON,
      deviceId: 'unknown-pc',
      sessionDurationSec: 18_000,
    }),
    (ctx, row) => {
      attack = describeAll(ctx, row);
      attackCtx = ctx;
    },
  );
});

describe('describeFeature with the context of the login', () => {
  it('names what is new: device, country, city, network', () => {
    expect(attack.device_known).toBe('device never seen (Chrome / Windows / desktop)');
    expect(attack.country_known).toBe('first login from United Kingdom');
    expect(attack.city_share).toBe('first login from London');
    expect(attack.network_known).toBe('network never seen (AS2856 British Telecommunications)');
    expect(usual.device_known).toBe('known device (Chrome / Windows / desktop)');
    expect(usual.city_share).toBe("New Delhi: 100% of the user's recent logins");
  });

  it('says how far, from where, and how fast', () => {
    expect(attack.travel_log_km).toMatch(/^6,\d{3} km from the last login in New Delhi$/);
    expect(attack.home_log_km).toMatch(/^6,\d{3} km from home \(New Delhi\)$/);
    expect(attack.travel_log_kmh).toMatch(
      /^1\d\d km\/h implied since the last located login \(35\.2 h after it\)$/,
    );
  });

  it('reads the hour where the login is when that is nearer the habit, and lists the usual hours', () => {
    expect(attack.hour_distance).toBe(
      'hour 21:40 is 5 h from the usual 10:00–11:00, 13:00–14:00, 16:00–17:00 (Europe/London)',
    );
    expect(usual.hour_distance).toBe(
      'hour 13:00 is within the usual 10:00–11:00, 13:00–14:00, 16:00–17:00 (Asia/Kolkata)',
    );
  });

  it('compares the session with the user’s own', () => {
    expect(attack.session_z).toBe("session of 5 h, 10× the user's usual 30 min");
  });

  it('gives every feature a phrase, whatever its value', () => {
    for (const f of FEATURES) {
      for (const v of [f.min, f.missing, f.max]) {
        for (const text of [describeFeature(f.name, v), describeFeature(f.name, v, attackCtx)]) {
          expect([f.name, text.length > 0 && !/undefined|NaN/.test(text)]).toEqual([f.name, true]);
        }
      }
    }
  });
});

describe('describeFeature on the value alone', () => {
  it('turns logs back into kilometres and counts', () => {
    expect(describeFeature('travel_log_km', Math.log1p(4200))).toBe('4,200 km from the last login');
    expect(describeFeature('user_failures_fast_log', Math.log1p(12))).toBe(
      '12 failed logins for this user in the fast window',
    );
    expect(describeFeature('user_failures_fast_log', Math.log1p(1.4))).toBe(
      '1.4 failed logins for this user in the fast window',
    );
  });

  it('reads binary features from single-precision values', () => {
    expect(describeFeature('device_known', Math.fround(0))).toBe('device never seen');
    expect(describeFeature('net_hosting', Math.fround(1))).toBe("through a hosting provider's network");
    expect(describeFeature('success', 0)).toBe('login failed');
  });

  it('falls back to name = value for a name it does not know', () => {
    expect(describeFeature('no_such_feature', 1.5)).toBe('no_such_feature = 1.5');
  });
});
