import { beforeAll, describe, expect, it } from 'vitest';
import { greatCircleKm } from '../../src/detect/great-circle.js';
import { openGeoIp } from '../../src/enrich/geoip.js';
import { validateEvent } from '../../src/event/validate-event.js';
import { toJsonLine } from '../../src/event/write-events.js';
import { warmupDays } from '../../src/simulate/attacks/attack-plan.js';
import {
  ATTACK_SCENARIOS,
  type AttackScenario,
  type DatasetRecord,
  SCENARIO_CODES,
} from '../../src/simulate/dataset-record.js';
import { type DatasetRun, generateDataset, loadIpPool } from '../../src/simulate/generate-dataset.js';
import type { IpPool } from '../../src/simulate/ip-pool.js';
import { DAY_MS, LocalCalendar } from '../../src/simulate/local-time.js';
import { FLIGHT_KMH } from '../../src/simulate/trips.js';
import type { SimUser } from '../../src/simulate/user-habits.js';

const USERS = 200;
const DAYS = 14;
const SEED = 7;

let pool: IpPool;
let run: DatasetRun;
let records: DatasetRecord[];
let byUser: Map<string, DatasetRecord[]>;
let byAttack: Map<string, DatasetRecord[]>;
let usersById: Map<string, SimUser>;

function lines(r: readonly DatasetRecord[]): string {
  return r.map((x) => toJsonLine(x as unknown as Record<string, unknown>)).join('');
}

beforeAll(() => {
  pool = loadIpPool().pool;
  // A higher attack rate than the default so that 200 users still get several campaigns per scenario.
  run = generateDataset({ users: USERS, days: DAYS, seed: SEED, pool, attackRate: 3 });
  records = [...run.records];
  byUser = new Map();
  byAttack = new Map();
  for (const r of records) {
    push(byUser, r.userId, r);
    if (r.attackId !== undefined) push(byAttack, r.attackId, r);
  }
  usersById = new Map(run.users.map((u) => [u.userId, u]));
});

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

const benignOf = (userId: string): DatasetRecord[] =>
  (byUser.get(userId) ?? []).filter((r) => r.label === 'benign');
const ms = (r: DatasetRecord): number => Date.parse(r.timestamp);

describe('generateDataset: determinism and shape', () => {
  it('gives identical output for the same seed and different output for another', () => {
    const again = [...generateDataset({ users: USERS, days: DAYS, seed: SEED, pool, attackRate: 3 }).records];
    expect(lines(again)).toBe(lines(records));
    const other = [
      ...generateDataset({ users: USERS, days: DAYS, seed: SEED + 1, pool, attackRate: 3 }).records,
    ];
    expect(lines(other)).not.toBe(lines(records));
  });

  it('writes every contract field, and every record passes validateEvent', () => {
    expect(records.length).toBeGreaterThan(USERS * DAYS);
    for (const r of records) {
      const result = validateEvent(r);
      if (!result.ok) throw new Error(`${r.eventId}: ${JSON.stringify(result.errors)}`);
      expect(r.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(typeof r.userAgent).toBe('string');
      expect(r.deviceId).toMatch(/^d-[0-9a-f]{16}$/);
      expect(['desktop', 'mobile', 'unknown']).toContain(r.deviceType);
      expect(r.location.city.length).toBeGreaterThan(0);
      expect(r.email).toBe(r.userId);
      expect(r.userId.endsWith(`@${r.tenant}.example`)).toBe(true);
      expect(Number.isInteger(r.failedAttempts) && r.failedAttempts >= 0).toBe(true);
      expect(r.behavioralScore).toBeGreaterThanOrEqual(0);
      expect(r.behavioralScore).toBeLessThanOrEqual(1);
      if (r.success) expect(r.sessionDurationSec).toBeGreaterThan(0);
      else expect(r.sessionDurationSec).toBeUndefined();
    }
  });

  it('is sorted by time, inside the period, with sequential event ids', () => {
    let previous = 0;
    records.forEach((r, i) => {
      expect(r.eventId).toBe(`ev-${SEED}-${i}`);
      const t = ms(r);
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
    });
    expect(ms(records[0] as DatasetRecord)).toBeGreaterThanOrEqual(run.startMs);
    expect(previous).toBeLessThan(run.endMs);
  });

  it('locates every address exactly where GeoIP (the project enrichment) does', () => {
    const geo = openGeoIp();
    for (const r of records) {
      const g = geo.lookup(r.ip);
      expect(g, r.ip).toBeDefined();
      expect({ country: g?.country, region: g?.region, city: g?.city, lat: g?.lat, lon: g?.lon }).toEqual({
        country: r.location.country,
        region: r.location.region,
        city: r.location.city,
        lat: r.location.lat,
        lon: r.location.lon,
      });
    }
  });

  it('counts failedAttempts as the failures since the last success (24 h memory)', () => {
    const streak = new Map<string, { n: number; last: number }>();
    for (const r of records) {
      const s = streak.get(r.userId) ?? { n: 0, last: 0 };
      if (s.n > 0 && ms(r) - s.last > DAY_MS) s.n = 0;
      expect(r.failedAttempts).toBe(s.n);
      if (r.success) s.n = 0;
      else {
        s.n++;
        s.last = ms(r);
      }
      streak.set(r.userId, s);
    }
  });
});

describe('generateDataset: attacks', () => {
  it('has every scenario, each campaign with its own attack id', () => {
    for (const scenario of ATTACK_SCENARIOS) {
      expect(
        records.some((r) => r.label === scenario),
        scenario,
      ).toBe(true);
      expect(run.summary.attacks[scenario], scenario).toBeGreaterThan(0);
    }
    for (const r of records) {
      if (r.label === 'benign') {
        expect(r.attackId).toBeUndefined();
      } else {
        expect(r.attackId).toMatch(new RegExp(`^atk-${SCENARIO_CODES[r.label]}-\\d{4}$`));
      }
    }
    for (const [id, events] of byAttack) {
      expect(new Set(events.map((e) => e.label)).size, id).toBe(1);
    }
  });

  it('has takeovers (successes) where the scenario means one', () => {
    const takeovers: AttackScenario[] = [
      'impossible_travel',
      'new_device_odd_hours',
      'anonymizing_takeover',
      'low_and_slow',
    ];
    for (const [id, events] of byAttack) {
      const label = events[0]?.label as AttackScenario;
      if (takeovers.includes(label))
        expect(
          events.some((e) => e.success),
          id,
        ).toBe(true);
    }
    for (const scenario of ['brute_force', 'password_spray', 'credential_stuffing'] as const) {
      expect(run.summary.successesByLabel[scenario], scenario).toBeGreaterThan(0);
    }
  });

  it('starts attacks only after the warm-up', () => {
    const firstAttack = Math.min(...records.filter((r) => r.label !== 'benign').map(ms));
    expect(firstAttack).toBeGreaterThanOrEqual(run.startMs + (warmupDays(DAYS) - 1) * DAY_MS);
  });

  it('never gives attackers the victim’s device id', () => {
    const benignDevices = new Map<string, Set<string>>();
    for (const r of records) {
      if (r.label !== 'benign') continue;
      const set = benignDevices.get(r.userId);
      if (set === undefined) benignDevices.set(r.userId, new Set([r.deviceId]));
      else set.add(r.deviceId);
    }
    for (const r of records) {
      if (r.label === 'benign') continue;
      expect(benignDevices.get(r.userId)?.has(r.deviceId) ?? false, r.eventId).toBe(false);
    }
  });

  it('shapes each scenario as documented', () => {
    for (const [id, events] of byAttack) {
      const label = events[0]?.label;
      const users = new Set(events.map((e) => e.userId));
      const ips = new Set(events.map((e) => e.ip));
      const span = ms(events[events.length - 1] as DatasetRecord) - ms(events[0] as DatasetRecord);
      switch (label) {
        case 'brute_force': {
          expect(users.size, id).toBe(1);
          expect(ips.size, id).toBe(1);
          expect(events.length, id).toBeGreaterThanOrEqual(50);
          expect(span, id).toBeLessThan(2 * 3600_000);
          const hit = events.findIndex((e) => e.success);
          if (hit >= 0) expect(events.length - hit - 1, id).toBeGreaterThanOrEqual(3);
          break;
        }
        case 'password_spray':
          expect(ips.size, id).toBe(1);
          expect(new Set(events.map((e) => e.tenant)).size, id).toBe(1);
          expect(users.size, id).toBeGreaterThanOrEqual(Math.min(30, events.length));
          expect(events.length / users.size, id).toBeLessThanOrEqual(2);
          break;
        case 'credential_stuffing':
          expect(ips.size, id).toBeGreaterThanOrEqual(10);
          expect(new Set(events.map((e) => e.tenant)).size, id).toBeGreaterThan(1);
          expect(events.length / users.size, id).toBeLessThan(1.3);
          break;
        case 'low_and_slow': {
          expect(users.size, id).toBe(1);
          expect(ips.size, id).toBeGreaterThan(events.length / 2);
          expect(events[events.length - 1]?.success, id).toBe(true);
          expect(span, id).toBeGreaterThanOrEqual(23 * 3600_000);
          for (let i = 1; i < events.length; i++) {
            const gap = ms(events[i] as DatasetRecord) - ms(events[i - 1] as DatasetRecord);
            expect(gap, id).toBeGreaterThanOrEqual(9 * 60_000);
            expect(gap, id).toBeLessThanOrEqual(91 * 60_000);
          }
          break;
        }
        case 'impossible_travel': {
          expect(users.size, id).toBe(1);
          const first = events.find((e) => e.success) as DatasetRecord;
          const own = benignOf(first.userId).filter((r) => r.success && ms(r) < ms(first));
          const before = own[own.length - 1] as DatasetRecord;
          const hours = (ms(first) - ms(before)) / 3600_000;
          const km = greatCircleKm(
            before.location.lat ?? 0,
            before.location.lon ?? 0,
            first.location.lat ?? 0,
            first.location.lon ?? 0,
          );
          expect(hours, id).toBeLessThan(2.2);
          expect(km / hours, id).toBeGreaterThan(1500);
          break;
        }
        case 'new_device_odd_hours': {
          const victim = usersById.get(events[0]?.userId ?? '') as SimUser;
          const cal = new LocalCalendar(run.startMs);
          const success = events.find((e) => e.success) as DatasetRecord;
          const hour = cal.toLocal(victim.home.timezone, ms(success)).hour;
          if (victim.schedule.nightShift) expect(hour >= 10 && hour < 17, id).toBe(true);
          else expect(hour >= 0.9 && hour < 6.6, id).toBe(true);
          expect(
            success.location.city === victim.home.name && success.location.country === victim.home.country,
          ).toBe(false);
          break;
        }
        case 'anonymizing_takeover':
          for (const e of events) {
            const network = pool.blockOf(e.ip)?.network;
            expect(network === 'tor' || network === 'vpn', id).toBe(true);
          }
          break;
        default:
          throw new Error(`unexpected label ${label}`);
      }
    }
  });
});

describe('generateDataset: benign look-alikes', () => {
  const withPersona = (persona: string): SimUser[] =>
    run.users.filter((u) => (u.personas as ReadonlySet<string>).has(persona));

  it('has travellers whose logins never move faster than an airliner', () => {
    const travellers = withPersona('traveller');
    expect(travellers.length).toBeGreaterThan(3);
    let checkedLegs = 0;
    for (const user of travellers) {
      const logins = benignOf(user.userId).filter((r) => pool.blockOf(r.ip)?.network === 'residential');
      for (let i = 1; i < logins.length; i++) {
        const a = logins[i - 1] as DatasetRecord;
        const b = logins[i] as DatasetRecord;
        const km = greatCircleKm(
          a.location.lat ?? 0,
          a.location.lon ?? 0,
          b.location.lat ?? 0,
          b.location.lon ?? 0,
        );
        if (km < 300) continue;
        checkedLegs++;
        const hours = (ms(b) - ms(a)) / 3600_000;
        expect(km / hours, `${user.userId} ${a.eventId}→${b.eventId}`).toBeLessThanOrEqual(FLIGHT_KMH);
      }
    }
    expect(checkedLegs).toBeGreaterThan(3);
  });

  it('puts colleagues who work at the office behind one shared office address', () => {
    let sharedOffices = 0;
    for (const company of run.companies) {
      const users = new Set(
        records.filter((r) => r.label === 'benign' && r.ip === company.officeIp.ip).map((r) => r.userId),
      );
      for (const userId of users) expect(usersById.get(userId)?.company).toBe(company);
      if (users.size >= 2) sharedOffices++;
    }
    expect(sharedOffices).toBeGreaterThan(0);
  });

  it('has night-shift workers who log in at night, local time', () => {
    const cal = new LocalCalendar(run.startMs);
    const night = withPersona('night_shift');
    expect(night.length).toBeGreaterThan(0);
    for (const user of night) {
      const logins = benignOf(user.userId).filter((r) => r.success);
      const atNight = logins.filter((r) => {
        const hour = cal.toLocal(user.home.timezone, ms(r)).hour;
        return hour >= 21 || hour < 7;
      });
      expect(atNight.length / logins.length, user.userId).toBeGreaterThan(0.8);
    }
  });

  it('has typos: one or two failures, then a success within a minute that reports them', () => {
    let typos = 0;
    for (const user of run.users) {
      const events = benignOf(user.userId);
      for (let i = 1; i < events.length; i++) {
        const r = events[i] as DatasetRecord;
        const prev = events[i - 1] as DatasetRecord;
        if (r.success && !prev.success && ms(r) - ms(prev) < 60_000) {
          typos++;
          expect(r.failedAttempts).toBeGreaterThanOrEqual(1);
          expect(r.ip).toBe(prev.ip);
          expect(r.deviceId).toBe(prev.deviceId);
        }
      }
    }
    expect(typos).toBeGreaterThan(10);
  });

  it('has new phones first used on the home network', () => {
    const switched = withPersona('new_phone').filter((u) => u.newPhone?.activated);
    expect(switched.length).toBeGreaterThan(0);
    for (const user of switched) {
      const first = benignOf(user.userId).find(
        (r) => r.deviceId === user.newPhone?.device.id,
      ) as DatasetRecord;
      expect(first).toBeDefined();
      const block = pool.blockOf(first.ip);
      expect(block?.network).toBe('residential');
      expect(block?.city.id).toBe(user.home.id);
    }
  });

  it('has mobile users whose address changes inside carrier ranges of their country', () => {
    const mobile = withPersona('mobile');
    expect(mobile.length).toBeGreaterThan(0);
    for (const user of mobile) {
      const onCarrier = benignOf(user.userId).filter((r) => pool.blockOf(r.ip)?.network === 'mobile');
      if (onCarrier.length < 4) continue;
      expect(new Set(onCarrier.map((r) => r.ip)).size / onCarrier.length).toBeGreaterThan(0.8);
      for (const r of onCarrier) expect(r.location.country).toBe(user.home.country);
    }
  });

  it('has steady VPN users on hosting or VPN networks from the first days', () => {
    const vpn = withPersona('vpn');
    expect(vpn.length).toBeGreaterThan(0);
    for (const user of vpn) {
      const onVpn = benignOf(user.userId).filter((r) => {
        const network = pool.blockOf(r.ip)?.network;
        return network === 'hosting' || network === 'vpn';
      });
      expect(onVpn.length, user.userId).toBeGreaterThan(0);
    }
  });

  it('keeps MFA outcomes rare: passed on benign new contexts, failed only when stuffing hits MFA', () => {
    const withMfa = records.filter((r) => r.mfa !== undefined);
    expect(withMfa.length).toBeGreaterThan(0);
    expect(withMfa.length / records.length).toBeLessThan(0.01);
    for (const r of withMfa) {
      if (r.mfa === 'passed') expect(r.label).toBe('benign');
      else expect([r.label, r.success]).toEqual(['credential_stuffing', false]);
    }
  });

  it('keeps benign behavioural scores mostly high', () => {
    const benign = records.filter((r) => r.label === 'benign' && r.success);
    const high = benign.filter((r) => r.behavioralScore >= 0.6).length;
    expect(high / benign.length).toBeGreaterThan(0.9);
    expect(benign.every((r) => r.behavioralScore >= 0.4)).toBe(true);
  });
});
