import {
  type AttackContext,
  type AttackOutcome,
  automationClient,
  emitScriptedGuess,
  hostingIn,
  momentOnDay,
  type PlannedAttack,
  residentialIn,
  staleBrowserClient,
  staleList,
} from './attack-kit.js';

/** Share of brute-force campaigns that guess the password. */
export const BRUTE_FORCE_SUCCESS_SHARE = 0.35;

/**
 * Brute force: one address hammers one account with 50–1000 guesses at machine speed (a few per
 * second, so minutes in all). About a third guess right; the tool's in-flight requests keep
 * failing for a few seconds after the hit, as real multi-threaded crackers do.
 */
export function runBruteForce(attack: PlannedAttack, ctx: AttackContext): AttackOutcome | undefined {
  const { rng } = attack;
  const victim = attack.victim;
  if (victim === undefined) return undefined;
  const city = ctx.atlas.attackCity(rng);
  const ip = rng.chance(0.6) ? hostingIn(rng, ctx.pool, city.country) : residentialIn(rng, ctx.pool, city);
  let t = momentOnDay(rng, ctx, attack.day);
  const client = rng.chance(0.7) ? automationClient(rng) : staleBrowserClient(rng, staleList(rng, t));
  const guesses = Math.round(50 * 20 ** rng.float());
  const hitAt = rng.chance(BRUTE_FORCE_SUCCESS_SHARE) ? rng.int(Math.floor(guesses / 2), guesses - 1) : -1;
  const meanGapMs = rng.between(250, 2500);
  const total = hitAt >= 0 ? hitAt + 1 + rng.int(3, 15) : guesses;
  let successes = 0;
  for (let i = 0; i < total; i++) {
    t += Math.max(40, Math.round(rng.exponential(meanGapMs)));
    const success = i === hitAt;
    if (success) successes++;
    emitScriptedGuess(ctx, attack, { t, account: victim, success, ip, client });
  }
  return { attempts: total, successes, accounts: 1 };
}
