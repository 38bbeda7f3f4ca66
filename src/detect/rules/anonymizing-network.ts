import { isKnown } from '../../profile/learn-login.js';
import type { DetectionContext } from '../detection-context.js';
import { networkLabel } from '../format.js';
import type { Signal } from '../signal.js';

const SCORE = { tor: 0.6, vpn: 0.4, proxy: 0.45 } as const;
const KIND_LABEL = { tor: 'a Tor exit', vpn: 'a VPN service', proxy: 'an anonymizing proxy' } as const;
/** A user who habitually comes through this same anonymizer (a steady VPN user) keeps a quarter. */
const FAMILIAR_FACTOR = 0.25;
/** Added for a settled user never seen behind any anonymizer: a new habit, not a new exit. */
const FIRST_TIME_EXTRA = 0.1;
const DAY_MS = 86_400_000;

/**
 * ANONYMIZING_NETWORK: the login comes through Tor, a commercial VPN or an anonymizing proxy,
 * which hides where the person really is. Steady VPN users are not punished: when the user's
 * baseline already holds this network the signal keeps a quarter of its strength. A settled user
 * (past the learning period) who has never come through any anonymizer gets a little more: the
 * habit itself is new, not just the exit.
 */
export function anonymizingNetwork(ctx: DetectionContext): Signal | undefined {
  const { network } = ctx.enrichment;
  if (network.type !== 'anonymizing') return undefined;
  const kind = network.anonymizer ?? 'proxy';
  const { profile, config, obs } = ctx;
  const firstTime =
    !ctx.familiar.network &&
    profile !== undefined &&
    ctx.maturity >= 1 &&
    !isKnown(profile.anonymized, obs.t, config.baseline.halfLifeDays * DAY_MS, config.baseline.knownWeight);
  const score = ctx.familiar.network
    ? SCORE[kind] * FAMILIAR_FACTOR
    : SCORE[kind] + (firstTime ? FIRST_TIME_EXTRA : 0);
  const note = ctx.familiar.network
    ? ', which this user often uses'
    : firstTime
      ? ', a first for this user'
      : '';
  return {
    code: 'ANONYMIZING_NETWORK',
    score,
    message: `Login through ${KIND_LABEL[kind]} (${networkLabel(network.asn, network.org)})${note}`,
  };
}
