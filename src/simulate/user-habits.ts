import type { Rng } from '../util/random.js';
import type { Atlas } from './cities.js';
import type { Company } from './companies.js';
import type { IpPool, PickedIp, PoolBlock, PoolCity } from './ip-pool.js';
import type { LocalCalendar } from './local-time.js';
import type { SimAccount } from './sim-event.js';
import { planTrips, type Trip } from './trips.js';
import {
  type BrowserSpec,
  deviceTypeOf,
  randomComputer,
  randomPhone,
  type SimDeviceType,
} from './user-agents.js';

/**
 * Benign habits that look unusual and must not be taken for attacks (docs/dataset.md describes
 * each). A user may have several.
 */
export type Persona = 'traveller' | 'vpn' | 'new_phone' | 'night_shift' | 'mobile' | 'cafe' | 'forgetful';

/** Share of users with each persona (before the constraints in {@link createUser}). */
export const PERSONA_SHARES: Readonly<Record<Persona, number>> = {
  traveller: 0.08,
  vpn: 0.05,
  new_phone: 0.06,
  night_shift: 0.04,
  mobile: 0.1,
  cafe: 0.15,
  forgetful: 0.04,
};

/** Share of everyone's logins preceded by one or two mistyped passwords. */
export const TYPO_RATE = 0.025;

/** One device a person logs in from; its id is stable for the device's life. */
export interface SimDevice {
  id: string;
  browser: BrowserSpec;
  type: SimDeviceType;
  /** The client fields of its events, rebuilt only when the day changes (versions move by day). */
  client: { day: number; userAgent: string; deviceId: string; deviceType: string } | undefined;
}

/** Working hours in local time; a night shift runs past midnight (`endHour` up to 30 = 06:00). */
export interface WorkSchedule {
  startHour: number;
  endHour: number;
  nightShift: boolean;
  /** Mean logins on a working day (1–6). */
  loginsPerDay: number;
  /** Chance of logging in at all on a day off. */
  weekendShare: number;
  /** Monday…Sunday: days worked at the office (only for people living in the office's city). */
  officeDays: readonly boolean[];
}

/** A steady VPN habit: used from day 1, alternating with the home network. */
export interface VpnHabit {
  kind: 'corporate' | 'commercial';
  /** Corporate: the company's egress. Commercial: one server's blocks, a new address each session. */
  corporateIp?: PickedIp;
  serverBlocks: PoolBlock[];
  /** Share of computer logins that go through the VPN. */
  share: number;
}

/** The real user's latest successful login: attacks that follow the victim read it. */
export interface RecentLogin {
  t: number;
  lat: number;
  lon: number;
  deviceId: string;
  userAgent: string;
  deviceType: string;
}

/** A simulated employee: who they are, where they live, how they work, and their mutable state. */
export interface SimUser extends SimAccount {
  index: number;
  company: Company;
  home: PoolCity;
  personas: ReadonlySet<Persona>;
  schedule: WorkSchedule;
  computer: SimDevice;
  homeComputer?: SimDevice;
  phone?: SimDevice;
  /** New-phone persona: from `day` on, the phone is replaced; first used at home. */
  newPhone?: { day: number; device: SimDevice; activated: boolean };
  /** The current home address (sticky; changes on `ipChangeDays`, within the same ISP). */
  homeIp: PickedIp;
  ipChangeDays: readonly number[];
  vpn?: VpnHabit;
  /** Cafés and co-working spaces near home: other residential networks in the home city. */
  cafes: PickedIp[];
  /** Carrier blocks near home for phone logins on mobile data. */
  mobileBlocks: PoolBlock[];
  trips: Trip[];
  forgetfulDay?: number;
  /** Typical behavioural score of this person (typing rhythm, mouse): 0.72–0.92. */
  behaviourMean: number;
  rng: Rng;
  /** Updated in place on every benign success (one object per user, not one per login). */
  lastLogin: RecentLogin | undefined;
}

/** What creating users needs from the run. */
export interface UserFactoryContext {
  pool: IpPool;
  atlas: Atlas;
  calendar: LocalCalendar;
  days: number;
}

/**
 * Creates user `index` of `company`, all draws from the user's own stream (so changing one user's
 * habits never changes another's). Persona constraints: night-shift workers do not travel;
 * the mobile persona needs carrier blocks in the home country; trips need 5+ days.
 */
export function createUser(rng: Rng, index: number, company: Company, ctx: UserFactoryContext): SimUser {
  const { pool, atlas, days } = ctx;
  const userId = `u${String(index).padStart(5, '0')}@${company.domain}`;
  const inOfficeCity = rng.chance(0.75);
  const home = inOfficeCity
    ? company.office
    : rng.chance(0.7)
      ? atlas.homeCityIn(rng, company.office.country)
      : atlas.homeCity(rng);

  const personas = new Set<Persona>();
  for (const persona of Object.keys(PERSONA_SHARES) as Persona[]) {
    if (rng.chance(PERSONA_SHARES[persona])) personas.add(persona);
  }
  if (personas.has('night_shift')) personas.delete('traveller');
  if (days < 5) personas.delete('traveller');
  const mobileBlocks = atlas.mobileBlocksNear(home, 300);
  if (mobileBlocks.length === 0) personas.delete('mobile');

  const nightShift = personas.has('night_shift');
  const startHour = nightShift ? rng.between(21.5, 22.5) : clamp(rng.gaussian(8.3, 0.9), 6, 11);
  const drawnOfficeDays = rng.weighted([0, 1, 2, 3, 4, 5], [12, 8, 20, 30, 15, 15]);
  // Steady VPN users mostly work remotely: that is where the VPN habit shows.
  const officeCount = personas.has('vpn') ? Math.min(2, drawnOfficeDays) : drawnOfficeDays;
  const officeDays = [false, false, false, false, false, false, false];
  if (home.id === company.office.id && !nightShift) {
    for (const d of rng.sample([0, 1, 2, 3, 4], officeCount)) officeDays[d] = true;
  }
  const schedule: WorkSchedule = {
    startHour,
    endHour: startHour + (nightShift ? rng.between(7.5, 8.5) : clamp(rng.gaussian(9, 0.8), 7, 11)),
    nightShift,
    loginsPerDay: clamp(rng.logNormal(2.4, 0.45), 1, 6),
    weekendShare: rng.between(0, 0.35),
    officeDays,
  };

  const device = (browser: BrowserSpec): SimDevice => ({
    id: `d-${rng.hex(16)}`,
    browser,
    type: deviceTypeOf(browser.platform),
    client: undefined,
  });
  const computer = device(randomComputer(rng));
  const needsPhone = personas.has('mobile') || personas.has('new_phone');
  const phone =
    needsPhone || rng.chance(0.9) ? device(randomPhone(rng, atlas.iphoneShare(home.country))) : undefined;
  const homeComputer = rng.chance(0.2) ? device(randomComputer(rng)) : undefined;
  let newPhone: SimUser['newPhone'];
  if (personas.has('new_phone') && phone !== undefined) {
    const samePlatform = rng.chance(0.8);
    const browser: BrowserSpec = samePlatform
      ? { ...phone.browser, updateLagDays: Math.min(phone.browser.updateLagDays, 3) }
      : randomPhone(rng, phone.browser.platform === 'iphone' ? 0 : 1);
    newPhone = {
      day: rng.int(Math.floor(days * 0.25), Math.max(Math.floor(days * 0.25), Math.floor(days * 0.85))),
      device: device(browser),
      activated: false,
    };
  }

  const homeBlock = rng.pick(home.residential);
  const ipChangeDays: number[] = [];
  for (let d = rng.exponential(25); d < days; d += rng.exponential(25)) ipChangeDays.push(Math.floor(d) + 1);

  let vpn: VpnHabit | undefined;
  if (personas.has('vpn')) {
    const commercial = pool.vpn.length > 0 && rng.chance(0.4);
    if (commercial) {
      const local = pool.vpn.filter((b) => b.city.country === home.country);
      const server = rng.pick(local.length > 0 ? local : pool.vpn);
      vpn = {
        kind: 'commercial',
        serverBlocks: pool.vpn.filter((b) => b.asn === server.asn && b.city.id === server.city.id),
        share: rng.between(0.3, 0.7),
      };
    } else {
      vpn = { kind: 'corporate', corporateIp: company.vpnIp, serverBlocks: [], share: rng.between(0.3, 0.7) };
    }
  }

  const otherNetworks = home.residential.filter((b) => b.asn !== homeBlock.asn);
  const cafes = personas.has('cafe')
    ? rng
        .sample(otherNetworks.length > 0 ? otherNetworks : home.residential, rng.int(1, 3))
        .map((b) => pool.pick(rng, b))
    : [];

  const trips = personas.has('traveller')
    ? planTrips(
        rng,
        home,
        Math.max(1, Math.round((days / 30) * rng.between(1, 2.4))),
        days,
        ctx.calendar,
        atlas,
        pool,
      )
    : [];
  if (personas.has('traveller') && trips.length === 0) personas.delete('traveller');

  const user: SimUser = {
    index,
    userId,
    email: userId,
    tenant: company.tenant,
    company,
    home,
    personas,
    schedule,
    computer,
    homeIp: pool.pick(rng, homeBlock),
    ipChangeDays,
    cafes,
    mobileBlocks,
    trips,
    behaviourMean: rng.between(0.72, 0.92),
    rng,
    lastLogin: undefined,
  };
  if (phone !== undefined) user.phone = phone;
  if (homeComputer !== undefined) user.homeComputer = homeComputer;
  if (newPhone !== undefined) user.newPhone = newPhone;
  if (vpn !== undefined) user.vpn = vpn;
  if (personas.has('forgetful')) user.forgetfulDay = rng.int(0, Math.max(0, days - 1));
  return user;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
