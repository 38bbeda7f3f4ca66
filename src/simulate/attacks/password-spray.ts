import { HOUR_MS } from '../local-time.js';
import type { SimUser } from '../user-habits.js';
import {
  type AttackContext,
  type AttackOutcome,
  automationClient,
  emitScriptedGuess,
  hostingIn,
  momentOnDay,
  type PlannedAttack,
  staleBrowserClient,
  staleList,
} from './attack-kit.js';

/** Chance that one sprayed password is some user's password ("Winter2026!"). */
const HIT_RATE = 0.012;

/**
 * Password spray: one address tries one or two common passwords against 30–500 accounts of one
 * tenant, a few seconds apart, so that no single account sees enough failures to lock. A second
 * round, hours later, tries the next password on those not yet cracked. A few accounts fall.
 */
export function runPasswordSpray(attack: PlannedAttack, ctx: AttackContext): AttackOutcome | undefined {
  const { rng } = attack;
  const tenant = pickTenant(attack, ctx);
  if (tenant === undefined) return undefined;
  const targets = rng.sample(tenant, Math.min(tenant.length, Math.round(30 * (500 / 30) ** rng.float())));
  const city = ctx.atlas.attackCity(rng);
  const ip = rng.chance(0.7)
    ? hostingIn(rng, ctx.pool, city.country)
    : ctx.pool.pick(rng, rng.pick(ctx.pool.vpn.length > 0 ? ctx.pool.vpn : ctx.pool.hosting));
  let t = momentOnDay(rng, ctx, attack.day);
  const client = rng.chance(0.5) ? automationClient(rng) : staleBrowserClient(rng, staleList(rng, t));
  // "A few successes": at least one in most campaigns, more in big ones.
  const forced = rng.chance(0.75) ? rng.int(0, targets.length - 1) : -1;
  const rounds = rng.chance(0.5) ? 2 : 1;
  const cracked = new Set<SimUser>();
  let attempts = 0;
  for (let round = 0; round < rounds; round++) {
    if (round > 0) t += rng.between(2, 6) * HOUR_MS;
    targets.forEach((user, i) => {
      if (cracked.has(user)) return;
      t += rng.int(2_000, 20_000);
      const success = (round === 0 && i === forced) || rng.chance(HIT_RATE);
      if (success) cracked.add(user);
      attempts++;
      emitScriptedGuess(ctx, attack, { t, account: user, success, ip, client });
    });
  }
  return { attempts, successes: cracked.size, accounts: targets.length };
}

/** The tenant sprayed: the victim's, when it has 30+ users, else a random one that does, else the largest. */
function pickTenant(attack: PlannedAttack, ctx: AttackContext): readonly SimUser[] | undefined {
  const { rng } = attack;
  const own = attack.victim === undefined ? undefined : ctx.usersByTenant.get(attack.victim.tenant);
  if (own !== undefined && own.length >= 30) return own;
  const big = [...ctx.usersByTenant.values()].filter((users) => users.length >= 30);
  if (big.length > 0) return rng.pick(big);
  let largest: readonly SimUser[] | undefined;
  for (const users of ctx.usersByTenant.values())
    if (largest === undefined || users.length > largest.length) largest = users;
  return largest;
}
