import type { PickedIp } from '../ip-pool.js';
import { HOUR_MS } from '../local-time.js';
import type { SimAccount } from '../sim-event.js';
import {
  type AttackContext,
  type AttackerClient,
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

/** Share of would-be successes stopped by the second factor (recorded as `success: false, mfa: failed`). */
export const STUFFING_MFA_BLOCK_SHARE = 0.3;

/**
 * Credential stuffing: a combo list leaked elsewhere is replayed through a rotating pool of
 * residential proxies and hosting addresses, against accounts of many tenants, mostly once per
 * account. A quarter of the list's addresses are not accounts here at all. 1–3% of real
 * accounts reused the leaked password; some of those are stopped by MFA.
 */
export function runCredentialStuffing(attack: PlannedAttack, ctx: AttackContext): AttackOutcome | undefined {
  const { rng } = attack;
  const { pool, atlas } = ctx;
  const realCount = Math.max(30, Math.min(3000, Math.round(ctx.users.length * rng.between(0.05, 0.2))));
  const real = rng.sample(ctx.users, realCount);
  const accounts: SimAccount[] = [...real];
  const ghosts = Math.round(realCount / 3);
  for (let i = 0; i < ghosts; i++) {
    const company = rng.pick(ctx.companies);
    const userId = `u${String(ctx.users.length + rng.int(0, 9 * ctx.users.length + 99_999)).padStart(5, '0')}@${company.domain}`;
    accounts.push({ userId, email: userId, tenant: company.tenant });
  }
  const order = rng.sample(accounts, accounts.length);

  const proxies: PickedIp[] = [];
  const proxyCount = Math.max(20, Math.min(400, Math.round(order.length / rng.between(2, 8))));
  for (let i = 0; i < proxyCount; i++) {
    proxies.push(rng.chance(0.7) ? residentialIn(rng, pool, atlas.attackCity(rng)) : hostingIn(rng, pool));
  }

  const start = momentOnDay(rng, ctx, attack.day);
  const durationMs = rng.between(1, 8) * HOUR_MS;
  const automated = rng.chance(0.5);
  const scriptUa = automationClient(rng).userAgent;
  const list = staleList(rng, start);
  const successRate = rng.between(0.01, 0.03);
  const realSet = new Set<SimAccount>(real);
  let attempts = 0;
  let successes = 0;
  for (const account of order) {
    const tries = rng.chance(0.1) ? 2 : 1;
    for (let k = 0; k < tries; k++) {
      const t = start + Math.floor(rng.float() * durationMs);
      const client: AttackerClient = automated
        ? { ...automationClient(rng), userAgent: scriptUa }
        : staleBrowserClient(rng, list);
      const passwordWorks = k === 0 && realSet.has(account) && rng.chance(successRate);
      const blocked = passwordWorks && rng.chance(STUFFING_MFA_BLOCK_SHARE);
      const success = passwordWorks && !blocked;
      if (success) successes++;
      attempts++;
      emitScriptedGuess(ctx, attack, {
        t,
        account,
        success,
        ip: rng.pick(proxies),
        client,
        ...(blocked ? { mfa: 'failed' as const } : {}),
      });
    }
  }
  return { attempts, successes, accounts: order.length };
}
