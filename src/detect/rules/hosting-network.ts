import { isKnown } from '../../profile/learn-login.js';
import type { DetectionContext } from '../detection-context.js';
import { networkLabel } from '../format.js';
import type { Signal } from '../signal.js';

const SCORE = 0.3;
/** Added for a settled user never seen on any hosting network: a new habit, not a new host. */
const FIRST_TIME_EXTRA = 0.1;
const DAY_MS = 86_400_000;

/**
 * HOSTING_NETWORK: the login comes from a cloud or hosting provider's network, where servers,
 * bots, proxies and self-hosted VPNs live and people rarely do. Not raised when the user's
 * baseline already holds this network (a corporate VPN or a jump host they use). A settled user
 * never seen on any hosting network gets a little more.
 */
export function hostingNetwork(ctx: DetectionContext): Signal | undefined {
  const { network } = ctx.enrichment;
  if (network.type !== 'hosting' || ctx.familiar.network) return undefined;
  const { profile, config, obs } = ctx;
  const firstTime =
    profile !== undefined &&
    ctx.maturity >= 1 &&
    !isKnown(profile.hosted, obs.t, config.baseline.halfLifeDays * DAY_MS, config.baseline.knownWeight);
  return {
    code: 'HOSTING_NETWORK',
    score: SCORE + (firstTime ? FIRST_TIME_EXTRA : 0),
    message: `Login from a hosting provider's network (${networkLabel(network.asn, network.org)})${firstTime ? ', a first for this user' : ''}`,
  };
}
