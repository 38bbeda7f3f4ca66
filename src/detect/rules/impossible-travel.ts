import type { DetectionContext } from '../detection-context.js';
import { formatDuration, formatInt } from '../format.js';
import { greatCircleKm } from '../great-circle.js';
import { ramp } from '../score-math.js';
import type { Signal } from '../signal.js';

/**
 * IMPOSSIBLE_TRAVEL: the login is farther from the user's last located login than anyone could
 * have travelled since. Distance is reduced by both locations' uncertainty (GeoIP accuracy, plus
 * extra for mobile carriers) before computing the speed, so coarse geolocation never alarms, and
 * short hops never do. Not raised when the place and network are both already known to the user
 * (a VPN exit or second home they switch to), or when either end is behind a VPN or hosting.
 */
export function impossibleTravel(ctx: DetectionContext): Signal | undefined {
  const { obs, profile, config, familiar } = ctx;
  const last = profile?.lastLocated;
  if (!last || last.lat === undefined || last.lon === undefined) return undefined;
  if (obs.locationUnreliable || obs.lat === undefined || obs.lon === undefined) return undefined;
  if (familiar.city && familiar.network) return undefined;
  if (obs.t <= last.t - 60_000) return undefined; // out-of-order event: no direction of travel

  const distance = greatCircleKm(last.lat, last.lon, obs.lat, obs.lon);
  const uncertainty =
    last.accuracyKm + obs.accuracyKm + (obs.networkType === 'mobile' ? config.travel.mobileExtraKm : 0);
  const effective = distance - uncertainty;
  if (effective < config.travel.minDistanceKm) return undefined;
  const hours = Math.max(obs.t - last.t, 60_000) / 3_600_000;
  const speed = effective / hours;
  if (speed <= config.travel.maxSpeedKmh) return undefined;

  let score = ramp(speed, config.travel.maxSpeedKmh, 0.7, config.travel.maxSpeedKmh * 4, 0.95);
  if (familiar.device) score *= 0.7;
  const from = last.city?.split('/')[1] ?? last.country;
  return {
    code: 'IMPOSSIBLE_TRAVEL',
    score,
    message: `${formatInt(distance)} km from ${from} in ${formatDuration(obs.t - last.t)} (${formatInt(distance / hours)} km/h)`,
  };
}
