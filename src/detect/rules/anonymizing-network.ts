import type { DetectionContext } from '../detection-context.js';
import { networkLabel } from '../format.js';
import type { Signal } from '../signal.js';

const SCORE = { tor: 0.6, vpn: 0.4, proxy: 0.45 } as const;
const KIND_LABEL = { tor: 'a Tor exit', vpn: 'a VPN service', proxy: 'an anonymizing proxy' } as const;
/** A user who habitually comes through this same anonymizer (a steady VPN user) keeps a quarter. */
const FAMILIAR_FACTOR = 0.25;

/**
 * ANONYMIZING_NETWORK: the login comes through Tor, a commercial VPN or an anonymizing proxy,
 * which hides where the person really is. Steady VPN users are not punished: when the user's
 * baseline already holds this network the signal keeps a quarter of its strength.
 */
export function anonymizingNetwork(ctx: DetectionContext): Signal | undefined {
  const { network } = ctx.enrichment;
  if (network.type !== 'anonymizing') return undefined;
  const kind = network.anonymizer ?? 'proxy';
  const score = SCORE[kind] * (ctx.familiar.network ? FAMILIAR_FACTOR : 1);
  return {
    code: 'ANONYMIZING_NETWORK',
    score,
    message: `Login through ${KIND_LABEL[kind]} (${networkLabel(network.asn, network.org)})${ctx.familiar.network ? ', which this user often uses' : ''}`,
  };
}
