import type { DetectionContext } from '../detection-context.js';
import { formatInt } from '../format.js';
import { greatCircleKm } from '../great-circle.js';
import { noveltyDamping, ramp } from '../score-math.js';
import type { Signal } from '../signal.js';

const MIN_SCORE = 0.1;
const MAX_SCORE = 0.3;

/**
 * UNFAMILIAR_LOCATION: a city far from every place the user has logged in from, in a country they
 * know (a new country is NEW_COUNTRY's). A stolen password used from home by someone in another
 * state looks like the victim in everything but the place. Distance is reduced by the location's
 * uncertainty (GeoIP accuracy, plus extra for mobile carriers) so coarse geolocation and suburbs
 * never alarm; damped for users who often bring new networks (people on the road). Weak alone: a
 * domestic trip looks the same, which is why it only adds to other signals.
 */
export function unfamiliarLocation(ctx: DetectionContext): Signal | undefined {
  const { profile, familiar, obs, config } = ctx;
  if (!profile || familiar.city || !familiar.country) return undefined;
  if (obs.locationUnreliable || obs.lat === undefined || obs.lon === undefined) return undefined;

  let nearest = Number.POSITIVE_INFINITY;
  let nearestKey: string | undefined;
  for (const [key, place] of profile.cities) {
    if (place.lat === undefined || place.lon === undefined) continue;
    const d = greatCircleKm(place.lat, place.lon, obs.lat, obs.lon);
    if (d < nearest) {
      nearest = d;
      nearestKey = key;
    }
  }
  if (nearestKey === undefined) return undefined;
  const uncertainty = obs.accuracyKm + (obs.networkType === 'mobile' ? config.travel.mobileExtraKm : 0);
  const effective = nearest - uncertainty;
  const { farKm, fullKm } = config.location;
  if (effective < farKm) return undefined;

  const score =
    ramp(effective, farKm, MIN_SCORE, fullKm, MAX_SCORE) *
    ctx.maturity *
    noveltyDamping(profile.novelty.network);
  if (score <= 0) return undefined;
  const here = obs.cityKey?.split('/')[1] ?? 'here';
  const there = nearestKey.split('/')[1] ?? nearestKey;
  return {
    code: 'UNFAMILIAR_LOCATION',
    score,
    message: `${here} is ${formatInt(nearest)} km from the nearest place this user logs in from (${there})`,
  };
}
