import {
  type AttackContext,
  type AttackOutcome,
  attackerBrowser,
  momentOnDay,
  type PlannedAttack,
  torBrowserClient,
} from './attack-kit.js';
import { emitTakeoverLogins } from './takeover-logins.js';

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
  // The address is drawn before the failure count, as the seeded datasets expect: keep this order.
  return emitTakeoverLogins(ctx, attack, {
    victim,
    start: t,
    ip: pool.pick(rng, rng.pick(exits)),
    client,
    failures: rng.chance(0.3) ? rng.int(1, 2) : 0,
    retryGapMs: [10_000, 120_000],
    followUps: () => (rng.chance(0.35) ? rng.int(1, 3) : 0),
    followUpGapMinutes: [10, 180],
    // A new Tor circuit often exits elsewhere; a VPN keeps its exit.
    nextIp: useTor ? (ip) => (rng.chance(0.6) ? pool.pick(rng, rng.pick(exits)) : ip) : undefined,
  });
}
