import { MINUTE_MS } from '../local-time.js';
import {
  type AttackContext,
  type AttackOutcome,
  attackerBrowser,
  emitAttack,
  humanAttackerScore,
  momentOnDay,
  type PlannedAttack,
  takeoverSession,
  torBrowserClient,
} from './attack-kit.js';

/**
 * Takeover through an anonymizer: the stolen password used from a Tor exit (in Tor Browser,
 * whose user agent is the same for everyone) or a commercial VPN exit, from a new device. Tor
 * users get a new circuit, so follow-up logins often come from another exit.
 */
export function runAnonymizingTakeover(attack: PlannedAttack, ctx: AttackContext): AttackOutcome | undefined {
  const { rng } = attack;
  const { pool } = ctx;
  const victim = attack.victim;
  if (victim === undefined) return undefined;
  const useTor = pool.tor.length > 0 && (pool.vpn.length === 0 || rng.chance(0.5));
  const exits = useTor ? pool.tor : pool.vpn.length > 0 ? pool.vpn : pool.hosting;
  const t = momentOnDay(rng, ctx, attack.day);
  const client = useTor ? torBrowserClient(rng, t) : attackerBrowser(rng, t);
  let ip = pool.pick(rng, rng.pick(exits));
  let at = t;
  let attempts = 0;
  const failures = rng.chance(0.3) ? rng.int(1, 2) : 0;
  for (let i = 0; i < failures; i++) {
    emitAttack(ctx, attack, {
      t: at,
      account: victim,
      success: false,
      ip,
      client,
      behavioralScore: humanAttackerScore(rng),
    });
    attempts++;
    at += rng.int(10_000, 120_000);
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
  if (rng.chance(0.35)) {
    const more = rng.int(1, 3);
    for (let i = 0; i < more; i++) {
      at += rng.between(10, 180) * MINUTE_MS;
      if (useTor && rng.chance(0.6)) ip = pool.pick(rng, rng.pick(exits));
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
  }
  return { attempts, successes, accounts: 1 };
}
