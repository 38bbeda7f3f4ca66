import type { Rng } from '../util/random.js';
import type { IpPool, PickedIp } from './ip-pool.js';
import { DAY_MS, HOUR_MS, type LocalCalendar, MINUTE_MS } from './local-time.js';
import { type EventSink, SimEvent } from './sim-event.js';
import { type Trip, tripPhaseAt } from './trips.js';
import { userAgentAt } from './user-agents.js';
import { type SimDevice, type SimUser, TYPO_RATE } from './user-habits.js';

/** What a day of benign life needs from the run. */
export interface LifeContext {
  pool: IpPool;
  calendar: LocalCalendar;
  sink: EventSink;
}

/** Share of first logins on a new device or in a trip's city that carry `mfa: passed`. */
export const NEW_CONTEXT_MFA_SHARE = 0.35;

/** A login planned for the day, before device and network are chosen. */
interface PlannedLogin {
  t: number;
  /** Inside working hours (decides computer vs phone, office vs home). */
  work: boolean;
  weekday: number;
  trip?: Trip;
  /** The forced first use of a new phone, at home. */
  newPhone?: boolean;
}

/**
 * Simulates one local day of a user's legitimate logins and emits them: the working-day rhythm
 * in local time, devices and networks chosen by context (office, home, VPN, café, mobile data,
 * hotel abroad), typos and forgotten passwords, sessions that never overlap.
 */
export function liveBenignDay(user: SimUser, day: number, ctx: LifeContext): void {
  const { rng } = user;
  if (user.ipChangeDays.includes(day)) changeHomeIp(user, ctx.pool);

  const plan: PlannedLogin[] = [];
  if (user.trips.length === 0) {
    planPhase(user, day, user.home.timezone, ctx.calendar, plan);
  } else {
    const home: PlannedLogin[] = [];
    planPhase(user, day, user.home.timezone, ctx.calendar, home);
    for (const login of home) if (tripPhaseAt(user.trips, login.t).phase === 'home') plan.push(login);
    for (const trip of user.trips) {
      if (day < trip.departDay || day > trip.returnDay + 1) continue;
      const away: PlannedLogin[] = [];
      planPhase(user, day, trip.destination.timezone, ctx.calendar, away, true);
      if (day === trip.departDay) {
        // The evening check-in at the hotel: the first login in the new city.
        away.push({ t: trip.outboundArriveMs + rng.between(0.1, 1.5) * HOUR_MS, work: false, weekday: 0 });
      }
      for (const login of away) {
        const where = tripPhaseAt(user.trips, login.t);
        if (where.phase === 'destination' && where.trip === trip) plan.push({ ...login, trip });
      }
    }
  }
  const newPhone = user.newPhone;
  if (newPhone !== undefined && !newPhone.activated && day >= newPhone.day) {
    const t = ctx.calendar.toUtcMs(user.home.timezone, day, rng.between(18.5, 22));
    if (tripPhaseAt(user.trips, t).phase === 'home')
      plan.push({ t, work: false, weekday: 0, newPhone: true });
  }
  if (plan.length === 0) return;
  plan.sort((a, b) => a.t - b.t);

  const forgetful = user.forgetfulDay === day;
  for (let i = 0; i < plan.length; i++) {
    const login = plan[i] as PlannedLogin;
    const nextT = plan[i + 1]?.t;
    emitLogin(user, login, nextT, forgetful && i === 0, ctx);
  }
}

/** Login times of one day in one time zone, by the user's schedule. */
function planPhase(
  user: SimUser,
  day: number,
  timeZone: string,
  calendar: LocalCalendar,
  out: PlannedLogin[],
  onTrip = false,
): void {
  const { rng, schedule } = user;
  const weekday = calendar.weekday(day);
  const add = (hour: number, work: boolean): void => {
    out.push({ t: calendar.toUtcMs(timeZone, day, hour) + rng.int(0, 59_999), work, weekday });
  };
  const workday = weekday < 5;
  if (schedule.nightShift) {
    if (workday) {
      const n = loginCount(rng, schedule.loginsPerDay);
      add(schedule.startHour + rng.between(-0.2, 0.3), true);
      for (let i = 1; i < n; i++) add(rng.between(schedule.startHour, schedule.endHour), true);
    } else if (rng.chance(schedule.weekendShare)) {
      add(rng.between(13, 21), false);
    }
    return;
  }
  if (workday || onTrip) {
    const n = loginCount(rng, schedule.loginsPerDay);
    add(schedule.startHour + Math.abs(rng.gaussian(0, 0.3)), true);
    for (let i = 1; i < n; i++) add(rng.between(schedule.startHour, schedule.endHour), true);
    if (rng.chance(0.2)) add(rng.between(19, 23), false);
  } else if (rng.chance(schedule.weekendShare)) {
    const n = rng.int(1, 2);
    for (let i = 0; i < n; i++) add(rng.between(9, 22.5), false);
  }
}

function loginCount(rng: Rng, mean: number): number {
  return Math.min(6, Math.max(1, rng.poisson(mean)));
}

/** Moves the home address to another block of the same ISP in the same city (a DHCP lease change). */
function changeHomeIp(user: SimUser, pool: IpPool): void {
  const { rng } = user;
  const sameIsp = user.home.residential.filter((b) => b.asn === user.homeIp.block.asn);
  user.homeIp = pool.pick(rng, rng.pick(sameIsp.length > 0 ? sameIsp : [user.homeIp.block]));
}

/** The device and address of one login, by where the user is and what they are doing. */
function chooseAccess(
  user: SimUser,
  login: PlannedLogin,
  ctx: LifeContext,
): { device: SimDevice; ip: PickedIp } {
  const { rng } = user;
  const { pool } = ctx;
  const phone = currentPhone(user, login);
  const mobileHeavy = user.personas.has('mobile');
  if (login.trip !== undefined) {
    const trip = login.trip;
    const onPhone = phone !== undefined && (mobileHeavy || !login.work) && rng.chance(0.6);
    const device = onPhone ? phone : user.computer;
    if (onPhone && trip.mobileBlocks.length > 0 && rng.chance(0.5)) {
      return { device, ip: pool.pick(rng, rng.pick(trip.mobileBlocks)) };
    }
    const vpnIp = !onPhone ? vpnAddress(user, pool) : undefined;
    return { device, ip: vpnIp ?? trip.hotelIp };
  }
  if (login.newPhone && phone !== undefined) return { device: phone, ip: user.homeIp };

  const atOffice = login.work && user.schedule.officeDays[login.weekday] === true;
  let onPhone: boolean;
  if (phone === undefined) onPhone = false;
  else if (mobileHeavy) onPhone = rng.chance(0.8);
  else if (login.work) onPhone = rng.chance(0.08);
  else onPhone = rng.chance(0.6);
  const device = onPhone
    ? (phone as SimDevice)
    : !login.work && user.homeComputer
      ? user.homeComputer
      : user.computer;

  if (atOffice) return { device, ip: user.company.officeIp };
  if (onPhone && user.mobileBlocks.length > 0 && rng.chance(mobileHeavy ? 0.85 : 0.2)) {
    // Mobile data: carrier-grade NAT hands out another address on every connection.
    return { device, ip: pool.pick(rng, rng.pick(user.mobileBlocks)) };
  }
  if (!onPhone) {
    const vpnIp = vpnAddress(user, pool);
    if (vpnIp !== undefined) return { device, ip: vpnIp };
  }
  if (user.cafes.length > 0 && rng.chance(0.07)) return { device, ip: rng.pick(user.cafes) };
  return { device, ip: user.homeIp };
}

/** The VPN egress for this session when the user's VPN habit says so, else undefined. */
function vpnAddress(user: SimUser, pool: IpPool): PickedIp | undefined {
  const { vpn, rng } = user;
  if (vpn === undefined || !rng.chance(vpn.share)) return undefined;
  if (vpn.corporateIp !== undefined) return vpn.corporateIp;
  return pool.pick(rng, rng.pick(vpn.serverBlocks));
}

/** The phone in the user's pocket at this login: the new one once it has been set up. */
function currentPhone(user: SimUser, login: PlannedLogin): SimDevice | undefined {
  const np = user.newPhone;
  if (np === undefined) return user.phone;
  if (login.newPhone) return np.device;
  return np.activated ? np.device : user.phone;
}

/** Emits one login: the failures before it (typo, forgotten password), then the success. */
function emitLogin(
  user: SimUser,
  login: PlannedLogin,
  nextT: number | undefined,
  forgotten: boolean,
  ctx: LifeContext,
): void {
  const { rng } = user;
  const { device, ip } = chooseAccess(user, login, ctx);
  let mfa: 'passed' | undefined;
  if (login.newPhone && user.newPhone !== undefined) {
    user.newPhone.activated = true;
    if (rng.chance(NEW_CONTEXT_MFA_SHARE)) mfa = 'passed';
  }
  if (login.trip !== undefined && !login.trip.arrived) {
    login.trip.arrived = true;
    if (rng.chance(NEW_CONTEXT_MFA_SHARE)) mfa = 'passed';
  }
  const client = clientOf(device, login.t);

  let t = login.t;
  if (forgotten) {
    // A forgotten password: 3–5 failures, then the reset flow, then a success minutes later.
    const failures = rng.int(3, 5);
    for (let i = failures; i >= 1; i--) {
      const at = t - i * rng.int(12_000, 45_000);
      ctx.sink.emit(new SimEvent(at, user, false, ip, client, score(rng, user, -0.08), 'benign'));
    }
    t += rng.int(3 * MINUTE_MS, 15 * MINUTE_MS);
  } else if (rng.chance(TYPO_RATE)) {
    // A typo or two, corrected within the minute.
    const failures = rng.chance(0.8) ? 1 : 2;
    for (let i = failures; i >= 1; i--) {
      const at = t - i * rng.int(4_000, 25_000);
      ctx.sink.emit(new SimEvent(at, user, false, ip, client, score(rng, user, -0.05), 'benign'));
    }
  }
  let session = rng.logNormal(35 * 60, 1.0);
  if (nextT !== undefined && nextT - t > 2 * MINUTE_MS) session = Math.min(session, (nextT - t) / 1000 - 30);
  session = Math.round(Math.min(10 * 3600, Math.max(60, session)));
  ctx.sink.emit(
    new SimEvent(t, user, true, ip, client, score(rng, user, 0), 'benign', {
      sessionDurationSec: session,
      mfa,
    }),
  );

  const { lat, lon } = ip.location;
  if (lat !== undefined && lon !== undefined) {
    const last = user.lastLogin;
    if (last === undefined) {
      user.lastLogin = {
        t,
        lat,
        lon,
        deviceId: device.id,
        userAgent: client.userAgent,
        deviceType: device.type,
      };
    } else {
      last.t = t;
      last.lat = lat;
      last.lon = lon;
      last.deviceId = device.id;
      last.userAgent = client.userAgent;
      last.deviceType = device.type;
    }
  }
}

/**
 * The device's user agent and ids at a time. Cached per day: a million logins would otherwise
 * build a million identical 120-character strings, and allocation is what costs most here.
 */
function clientOf(device: SimDevice, t: number): { userAgent: string; deviceId: string; deviceType: string } {
  const day = Math.floor(t / DAY_MS);
  if (device.client === undefined || device.client.day !== day) {
    device.client = {
      day,
      userAgent: userAgentAt(device.browser, t),
      deviceId: device.id,
      deviceType: device.type,
    };
  }
  return device.client;
}

/**
 * Benign behavioural score: around the person's own mean (0.6–1.0), and one time in sixteen an
 * off moment (0.4–0.6: a new keyboard, a hurried login on the train). A failed attempt is a little
 * lower (the person is hurried or unsure), never below 0.4.
 */
function score(rng: Rng, user: SimUser, shift: number): number {
  const raw = rng.chance(1 / 16)
    ? rng.between(0.4, 0.6)
    : Math.min(1, Math.max(0.6, rng.gaussian(user.behaviourMean, 0.07)));
  return Math.round(Math.min(1, Math.max(0.4, raw + shift)) * 1000) / 1000;
}
