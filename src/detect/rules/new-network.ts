import type { DetectionContext } from '../detection-context.js';
import { networkLabel } from '../format.js';
import { noveltyDamping } from '../score-math.js';
import type { Signal } from '../signal.js';

const BASE = 0.2;
/**
 * A mobile carrier is weak evidence: phones move between carriers' networks (roaming, a new SIM,
 * Wi-Fi calling), and stolen passwords are rarely tried from mobile ranges.
 */
const MOBILE_BASE = 0.1;

/**
 * NEW_NETWORK: an autonomous system (ISP, carrier, company network) the user has not used lately,
 * in a country they know. Keyed on the ASN, not the address, so a mobile phone hopping between
 * addresses of its carrier stays familiar. Left to NEW_COUNTRY when the country is new too, and to
 * the anonymizer and hosting rules for those networks, so one fact is not counted twice.
 */
export function newNetwork(ctx: DetectionContext): Signal | undefined {
  const { profile, familiar, obs, enrichment } = ctx;
  if (!profile || familiar.network) return undefined;
  if (obs.networkType === 'anonymizing' || obs.networkType === 'hosting' || obs.networkType === 'private') {
    return undefined;
  }
  if (obs.country && !familiar.country) return undefined;
  const base = obs.networkType === 'mobile' ? MOBILE_BASE : BASE;
  const score = base * ctx.maturity * noveltyDamping(profile.novelty.network);
  if (score <= 0) return undefined;
  const { asn, org, type } = enrichment.network;
  return {
    code: 'NEW_NETWORK',
    score,
    message: `First login through ${networkLabel(asn, org)} (${type})`,
  };
}
