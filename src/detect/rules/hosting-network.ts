import type { DetectionContext } from '../detection-context.js';
import { networkLabel } from '../format.js';
import type { Signal } from '../signal.js';

const SCORE = 0.3;

/**
 * HOSTING_NETWORK: the login comes from a cloud or hosting provider's network, where servers,
 * bots, proxies and self-hosted VPNs live and people rarely do. Not raised when the user's
 * baseline already holds this network (a corporate VPN or a jump host they use).
 */
export function hostingNetwork(ctx: DetectionContext): Signal | undefined {
  const { network } = ctx.enrichment;
  if (network.type !== 'hosting' || ctx.familiar.network) return undefined;
  return {
    code: 'HOSTING_NETWORK',
    score: SCORE,
    message: `Login from a hosting provider's network (${networkLabel(network.asn, network.org)})`,
  };
}
