import type { DetectionContext } from '../detection-context.js';
import { countryName } from '../format.js';
import { noveltyDamping } from '../score-math.js';
import type { Signal } from '../signal.js';

const BASE = 0.35;

/**
 * NEW_COUNTRY: a country the user has not logged in from lately. Damped for users who travel
 * often. Not raised behind a VPN or hosting network (that country is the exit's, not the user's:
 * ANONYMIZING_NETWORK and HOSTING_NETWORK speak for it).
 */
export function newCountry(ctx: DetectionContext): Signal | undefined {
  const { profile, familiar, obs } = ctx;
  if (!profile || familiar.country || !obs.country) return undefined;
  if (obs.networkType === 'anonymizing' || obs.networkType === 'hosting') return undefined;
  const score = BASE * ctx.maturity * noveltyDamping(profile.novelty.country);
  if (score <= 0) return undefined;
  return { code: 'NEW_COUNTRY', score, message: `First login from ${countryName(obs.country)}` };
}
