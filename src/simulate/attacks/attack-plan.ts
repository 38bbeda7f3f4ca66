import type { Rng } from '../../util/random.js';
import { ATTACK_SCENARIOS, type AttackScenario, SCENARIO_CODES } from '../dataset-record.js';
import type { SimUser } from '../user-habits.js';
import type { PlannedAttack } from './attack-kit.js';
import { LOW_AND_SLOW_MAX_DAYS } from './low-and-slow.js';

/** Relative frequency of each scenario among campaigns beyond the guaranteed one of each. */
const SCENARIO_WEIGHTS: Readonly<Record<AttackScenario, number>> = {
  brute_force: 16,
  password_spray: 10,
  credential_stuffing: 10,
  impossible_travel: 18,
  new_device_odd_hours: 16,
  anonymizing_takeover: 16,
  low_and_slow: 14,
};

/** Default campaigns: one per this many users per 30 days, times `--attack-rate`. */
export const USERS_PER_CAMPAIGN = 50;
/** From this many users on, every scenario appears at least once (when the rate is above 0). */
export const ALL_SCENARIOS_FROM_USERS = 50;

/**
 * Days of normal life before any attack, so every victim has a baseline: a week, or a quarter of
 * the period when it is shorter than two weeks.
 */
export function warmupDays(days: number): number {
  return days >= 14 ? 7 : Math.floor(days * 0.25);
}

/**
 * Plans the campaigns of a run: how many (`rate` × users / 50 × days / 30, at least one per
 * scenario from 50 users on), which scenario, which day (after the warm-up; low-and-slow early
 * enough to finish), and which victim (distinct while there are enough users). Ids are numbered
 * per scenario in time order: `atk-bf-0001`, `atk-bf-0002`, …
 */
export function planAttacks(
  rng: Rng,
  users: readonly SimUser[],
  days: number,
  rate: number,
): PlannedAttack[] {
  if (rate <= 0 || users.length === 0 || days <= 0) return [];
  const expected = (rate * users.length * days) / (USERS_PER_CAMPAIGN * 30);
  let total = Math.floor(expected) + (rng.chance(expected - Math.floor(expected)) ? 1 : 0);
  const scenarios: AttackScenario[] = [];
  if (users.length >= ALL_SCENARIOS_FROM_USERS) {
    scenarios.push(...ATTACK_SCENARIOS);
    total = Math.max(0, total - ATTACK_SCENARIOS.length);
  }
  const weights = ATTACK_SCENARIOS.map((s) => SCENARIO_WEIGHTS[s]);
  for (let i = 0; i < total; i++) scenarios.push(rng.weighted(ATTACK_SCENARIOS, weights));

  const first = warmupDays(days);
  const last = days - 1;
  const victims = rng.sample(users, users.length);
  let nextVictim = 0;
  const drafts = scenarios.map((scenario, i) => {
    const latest = scenario === 'low_and_slow' ? Math.max(first, last - LOW_AND_SLOW_MAX_DAYS) : last;
    const victim = victims[nextVictim++ % victims.length] as SimUser;
    return { scenario, day: rng.int(first, latest), victim, order: i };
  });
  drafts.sort((a, b) => a.day - b.day || a.order - b.order);
  const numbers = new Map<AttackScenario, number>();
  return drafts.map((d) => {
    const n = (numbers.get(d.scenario) ?? 0) + 1;
    numbers.set(d.scenario, n);
    const id = `atk-${SCENARIO_CODES[d.scenario]}-${String(n).padStart(4, '0')}`;
    return { id, scenario: d.scenario, day: d.day, victim: d.victim, rng: rng.fork('attack', id) };
  });
}
