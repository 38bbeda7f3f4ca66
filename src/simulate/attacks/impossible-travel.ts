import { greatCircleKm } from '../../detect/great-circle.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../local-time.js';
import {
  type AttackContext,
  type AttackOutcome,
  attackerBrowser,
  hostingIn,
  type PlannedAttack,
  residentialIn,
} from './attack-kit.js';
import { emitTakeoverLogins } from './takeover-logins.js';

/** Slowest implied speed (km/h) between the victim's login and the attacker's: far beyond any airliner. */
const MIN_IMPLIED_KMH = 2000;

/**
 * Impossible travel: minutes after the victim logs in at home, the stolen password succeeds from
 * a city thousands of kilometres away (implied speed ≥ 2000 km/h), from the attacker's own device
 * (15% copy the victim's user agent, but never have the victim's device id).
 * Runs on the first day from its planned day on where the victim has logged in recently.
 */
export function runImpossibleTravel(attack: PlannedAttack, ctx: AttackContext): AttackOutcome | undefined {
  const { rng } = attack;
  const victim = attack.victim;
  if (victim === undefined) return undefined;
  // A copy: the victim's own later logins update `lastLogin` in place.
  const last = victim.lastLogin === undefined ? undefined : { ...victim.lastLogin };
  // Only a login from the last day counts as "shortly before"; events older than that are written.
  if (last === undefined || last.t < ctx.startMs + (attack.day - 1) * DAY_MS) return undefined;
  const gapMs = rng.between(10, 120) * MINUTE_MS;
  const t = last.t + gapMs;
  const minKm = Math.max(2500, (gapMs / HOUR_MS) * MIN_IMPLIED_KMH);
  const city = ctx.atlas.attackCityAway(rng, last.lat, last.lon, minKm);
  if (greatCircleKm(last.lat, last.lon, city.lat, city.lon) < minKm) return undefined;
  const ip = rng.chance(0.5) ? residentialIn(rng, ctx.pool, city) : hostingIn(rng, ctx.pool, city.country);
  // Most use whatever browser they have; some copy the victim's user agent (never the device id).
  const client = rng.chance(0.15)
    ? { deviceId: `d-${rng.hex(16)}`, userAgent: last.userAgent, deviceType: last.deviceType }
    : attackerBrowser(rng, t);
  return emitTakeoverLogins(ctx, attack, {
    victim,
    start: t,
    ip,
    client,
    failures: rng.chance(0.2) ? 1 : 0,
    retryGapMs: [8_000, 60_000],
    followUps: () => (rng.chance(0.4) ? rng.int(1, 3) : 0),
    followUpGapMinutes: [5, 40],
  });
}
