import type { Rng } from '../util/random.js';
import { type Atlas, distanceKm } from './cities.js';
import type { IpPool, PickedIp, PoolBlock, PoolCity } from './ip-pool.js';
import { HOUR_MS, type LocalCalendar } from './local-time.js';

/** Cruise speed used to time flights: no airliner beats it door to door. */
export const FLIGHT_KMH = 850;
/** Check-in, boarding, taxiing and leaving the airport: added to every flight. */
export const AIRPORT_HOURS = 2;
/** A traveller stops logging in this long before take-off (on the way to the airport). */
export const PRE_FLIGHT_GAP_HOURS = 1.5;

/**
 * A business trip: a real flight from home to another city and back. A traveller's first login at
 * the destination is never earlier than take-off + distance / 850 km/h + 2 h, so the speed between
 * any two of their logins is physically possible; it is still a new city, often a new country.
 */
export interface Trip {
  /** Local day (home calendar) of the outbound flight. */
  departDay: number;
  /** Local day (destination calendar) of the return flight. */
  returnDay: number;
  destination: PoolCity;
  distanceKm: number;
  outboundDepartMs: number;
  /** Earliest login at the destination: landing plus airport time plus the ride to the hotel. */
  outboundArriveMs: number;
  returnDepartMs: number;
  /** Earliest login back home. */
  returnArriveMs: number;
  /** The hotel's network (a business line in a residential/ISP block there), sticky for the trip. */
  hotelIp: PickedIp;
  /** Local carrier blocks at the destination (a local eSIM or roaming breakout), maybe empty. */
  mobileBlocks: PoolBlock[];
  /** Set once the first login at the destination has happened (it may get an MFA challenge). */
  arrived: boolean;
}

/** Where a traveller can be at an instant, as far as logins go. */
export type TripPhase = 'home' | 'destination' | 'in-transit';

/**
 * Plans `count` non-overlapping trips of 2–6 nights inside the period, from `home`. Trips need at
 * least 5 days in the period; fewer days give no trips.
 */
export function planTrips(
  rng: Rng,
  home: PoolCity,
  count: number,
  days: number,
  calendar: LocalCalendar,
  atlas: Atlas,
  pool: IpPool,
): Trip[] {
  const trips: Trip[] = [];
  let earliest = 1;
  for (let i = 0; i < count; i++) {
    const nights = rng.int(2, 6);
    const latestDepart = days - nights - 2;
    if (latestDepart < earliest) break;
    const departDay = rng.int(
      earliest,
      Math.min(latestDepart, earliest + Math.floor(days / Math.max(1, count))),
    );
    const returnDay = departDay + nights;
    const destination = atlas.destination(rng, home, 300, 0.55);
    const km = distanceKm(home, destination);
    const flight = (km / FLIGHT_KMH + AIRPORT_HOURS) * HOUR_MS;
    const outboundDepartMs = calendar.toUtcMs(home.timezone, departDay, rng.between(7, 16));
    const outboundArriveMs = outboundDepartMs + flight + rng.between(0.3, 1.5) * HOUR_MS;
    let returnDepartMs = calendar.toUtcMs(destination.timezone, returnDay, rng.between(9, 19));
    // Long-haul eastbound days can swallow a night: keep at least a day at the destination.
    if (returnDepartMs < outboundArriveMs + 24 * HOUR_MS) returnDepartMs = outboundArriveMs + 24 * HOUR_MS;
    const returnArriveMs = returnDepartMs + flight + rng.between(0.3, 1.5) * HOUR_MS;
    trips.push({
      departDay,
      returnDay,
      destination,
      distanceKm: km,
      outboundDepartMs,
      outboundArriveMs,
      returnDepartMs,
      returnArriveMs,
      hotelIp: pool.pick(rng, rng.pick(destination.residential)),
      mobileBlocks: atlas.mobileBlocksNear(destination, 300),
      arrived: false,
    });
    earliest = returnDay + 3;
  }
  return trips;
}

/**
 * Where a traveller is at `t`: at home, at the destination, or between the last pre-flight
 * moment and the earliest post-flight login (no logins then).
 */
export function tripPhaseAt(trips: readonly Trip[], t: number): { phase: TripPhase; trip?: Trip } {
  for (const trip of trips) {
    if (t < trip.outboundDepartMs - PRE_FLIGHT_GAP_HOURS * HOUR_MS) continue;
    if (t >= trip.returnArriveMs) continue;
    if (t < trip.outboundArriveMs) return { phase: 'in-transit', trip };
    if (t < trip.returnDepartMs - PRE_FLIGHT_GAP_HOURS * HOUR_MS) return { phase: 'destination', trip };
    return { phase: 'in-transit', trip };
  }
  return { phase: 'home' };
}
