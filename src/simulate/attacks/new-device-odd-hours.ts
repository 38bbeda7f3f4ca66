import type { PoolCity } from '../ip-pool.js';
import {
  type AttackContext,
  type AttackOutcome,
  attackerBrowser,
  hostingIn,
  type PlannedAttack,
  residentialIn,
} from './attack-kit.js';
import { emitTakeoverLogins } from './takeover-logins.js';

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
  return emitTakeoverLogins(ctx, attack, {
    victim,
    start: t,
    ip,
    client,
    failures: rng.chance(0.25) ? 1 : 0,
    retryGapMs: [10_000, 90_000],
    followUps: () => (rng.chance(0.3) ? 1 : 0),
    followUpGapMinutes: [20, 90],
  });
}
