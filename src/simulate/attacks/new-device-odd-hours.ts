import type { PoolCity } from '../ip-pool.js';
import { MINUTE_MS } from '../local-time.js';
import {
  type AttackContext,
  type AttackOutcome,
  attackerBrowser,
  emitAttack,
  hostingIn,
  humanAttackerScore,
  type PlannedAttack,
  residentialIn,
  takeoverSession,
} from './attack-kit.js';

/**
 * New device at odd hours: the stolen password works from a device the victim never used, while
 * the victim sleeps (01:00–05:00 in their time zone; for night-shift workers, early afternoon,
 * which is their night), from another city of their country or from abroad.
 */
export function runNewDeviceOddHours(attack: PlannedAttack, ctx: AttackContext): AttackOutcome | undefined {
  const { rng } = attack;
  const victim = attack.victim;
  if (victim === undefined) return undefined;
  const hour = victim.schedule.nightShift ? rng.between(11, 15) : rng.between(1, 5);
  const t = ctx.calendar.toUtcMs(victim.home.timezone, attack.day, hour);
  let city: PoolCity = victim.home;
  for (let i = 0; i < 10 && city.id === victim.home.id; i++) {
    city = rng.chance(0.5) ? ctx.atlas.homeCityIn(rng, victim.home.country) : ctx.atlas.attackCity(rng);
  }
  if (city.id === victim.home.id) city = ctx.atlas.attackCity(rng);
  const ip = rng.chance(0.7) ? residentialIn(rng, ctx.pool, city) : hostingIn(rng, ctx.pool, city.country);
  const client = attackerBrowser(rng, t);
  let at = t;
  let attempts = 0;
  if (rng.chance(0.25)) {
    emitAttack(ctx, attack, {
      t: at,
      account: victim,
      success: false,
      ip,
      client,
      behavioralScore: humanAttackerScore(rng),
    });
    attempts++;
    at += rng.int(10_000, 90_000);
  }
  emitAttack(ctx, attack, {
    t: at,
    account: victim,
    success: true,
    ip,
    client,
    behavioralScore: humanAttackerScore(rng),
    sessionDurationSec: takeoverSession(rng),
  });
  attempts++;
  let successes = 1;
  if (rng.chance(0.3)) {
    at += rng.between(20, 90) * MINUTE_MS;
    emitAttack(ctx, attack, {
      t: at,
      account: victim,
      success: true,
      ip,
      client,
      behavioralScore: humanAttackerScore(rng),
      sessionDurationSec: takeoverSession(rng),
    });
    attempts++;
    successes++;
  }
  return { attempts, successes, accounts: 1 };
}
