import { HOUR_MS, MINUTE_MS } from '../local-time.js';
import {
  type AttackContext,
  type AttackOutcome,
  emitScriptedGuess,
  momentOnDay,
  type PlannedAttack,
  residentialIn,
  staleBrowserClient,
  staleList,
} from './attack-kit.js';

/** Longest campaign, in days: the planner starts it early enough to end inside the period. */
export const LOW_AND_SLOW_MAX_DAYS = 3;

/**
 * Low and slow: one guess every 10–90 minutes for 1–3 days against one account, each from
 * another residential proxy (some in the victim's own country, to blend in) and another browser
 * fingerprint, staying under every per-IP and per-hour threshold. It ends with the right password.
 */
export function runLowAndSlow(attack: PlannedAttack, ctx: AttackContext): AttackOutcome | undefined {
  const { rng } = attack;
  const victim = attack.victim;
  if (victim === undefined) return undefined;
  const start = momentOnDay(rng, ctx, attack.day);
  const end = start + rng.between(24, LOW_AND_SLOW_MAX_DAYS * 24 - 1) * HOUR_MS;
  const list = staleList(rng, start);
  let t = start;
  let attempts = 0;
  while (true) {
    const next = t + rng.between(10, 90) * MINUTE_MS;
    const last = next >= end;
    const city = rng.chance(0.4) ? ctx.atlas.homeCityIn(rng, victim.home.country) : ctx.atlas.attackCity(rng);
    emitScriptedGuess(ctx, attack, {
      t,
      account: victim,
      success: last,
      ip: residentialIn(rng, ctx.pool, city),
      client: staleBrowserClient(rng, list),
    });
    attempts++;
    if (last) break;
    t = Math.round(next);
  }
  return { attempts, successes: 1, accounts: 1 };
}
