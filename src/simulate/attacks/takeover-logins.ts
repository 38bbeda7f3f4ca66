import type { PickedIp } from '../ip-pool.js';
import { MINUTE_MS } from '../local-time.js';
import type { SimUser } from '../user-habits.js';
import {
  type AttackContext,
  type AttackerClient,
  type AttackOutcome,
  emitAttack,
  humanAttackerScore,
  type PlannedAttack,
  takeoverSession,
} from './attack-kit.js';

/** How a person holding a stolen password logs into the victim's account, as one scenario plays it. */
export interface TakeoverLogins {
  victim: SimUser;
  /** When the first try is made. */
  start: number;
  ip: PickedIp;
  client: AttackerClient;
  /** Wrong tries before the password works (a typo, an older password from the leak). */
  failures: number;
  /** Pause after each wrong try, in ms: a uniform whole number in [min, max]. */
  retryGapMs: readonly [min: number, max: number];
  /**
   * How many more logins follow the first success. A function, not a number, because the draw
   * must come after the first success's own draws to keep every seeded dataset as it was.
   */
  followUps: () => number;
  /** Time before each further login, in minutes: uniform in [min, max). */
  followUpGapMinutes: readonly [min: number, max: number];
  /** The address of the next further login (a Tor user gets new circuits); the same one when absent. */
  nextIp?: (ip: PickedIp) => PickedIp;
}

/**
 * Emits a takeover's logins: the wrong tries, the first success, then the further visits, all by
 * a human at the attacker's own client. The random draws happen in a fixed order (score, then
 * session, then the gap) that the generated datasets depend on.
 */
export function emitTakeoverLogins(
  ctx: AttackContext,
  attack: PlannedAttack,
  logins: TakeoverLogins,
): AttackOutcome {
  const { rng } = attack;
  let at = logins.start;
  let ip = logins.ip;
  let attempts = 0;
  const login = (success: boolean): void => {
    emitAttack(ctx, attack, {
      t: at,
      account: logins.victim,
      success,
      ip,
      client: logins.client,
      behavioralScore: humanAttackerScore(rng),
      // A failure has no session, so no session length is drawn for it.
      sessionDurationSec: success ? takeoverSession(rng) : undefined,
    });
    attempts++;
  };
  for (let i = 0; i < logins.failures; i++) {
    login(false);
    at += rng.int(...logins.retryGapMs);
  }
  login(true);
  const more = logins.followUps();
  for (let i = 0; i < more; i++) {
    at += rng.between(...logins.followUpGapMinutes) * MINUTE_MS;
    if (logins.nextIp !== undefined) ip = logins.nextIp(ip);
    login(true);
  }
  return { attempts, successes: 1 + more, accounts: 1 };
}
