import type { Rng } from '../../util/random.js';
import type { Atlas } from '../cities.js';
import type { Company } from '../companies.js';
import type { AttackScenario } from '../dataset-record.js';
import type { IpPool, PickedIp, PoolCity } from '../ip-pool.js';
import { DAY_MS, type LocalCalendar } from '../local-time.js';
import { type EventSink, type SimAccount, SimEvent } from '../sim-event.js';
import {
  AUTOMATION_USER_AGENTS,
  deviceTypeOf,
  deviceTypeOfUserAgent,
  randomComputer,
  randomPhone,
  staleCommonUserAgents,
  userAgentAt,
} from '../user-agents.js';
import type { SimUser } from '../user-habits.js';

/** One attack campaign, planned before the simulation runs and executed on its day. */
export interface PlannedAttack {
  /** `atk-bf-0007`: shared by every event of the campaign. */
  id: string;
  scenario: AttackScenario;
  /** UTC day index (from the start) on which the campaign begins. */
  day: number;
  /** The account taken over or hammered (single-victim scenarios). */
  victim?: SimUser;
  rng: Rng;
}

/** What a campaign did, for the summary and the tests. */
export interface AttackOutcome {
  attempts: number;
  successes: number;
  /** Accounts that received at least one attempt. */
  accounts: number;
}

/** Everything a campaign can use: the world, the people, and where events go. */
export interface AttackContext {
  pool: IpPool;
  atlas: Atlas;
  calendar: LocalCalendar;
  sink: EventSink;
  users: readonly SimUser[];
  companies: readonly Company[];
  /** Users per tenant, in creation order. */
  usersByTenant: ReadonlyMap<string, readonly SimUser[]>;
  startMs: number;
  days: number;
}

/** A campaign's runner: emits its events; `undefined` when it cannot run on that day (try the next). */
export type AttackRunner = (attack: PlannedAttack, ctx: AttackContext) => AttackOutcome | undefined;

/** The client an attacker uses: their own device id and user agent, never the victim's. */
export interface AttackerClient {
  deviceId: string;
  userAgent: string;
  deviceType: string;
}

/** A person at a browser with stolen credentials: a fresh device of a common kind. */
export function attackerBrowser(rng: Rng, t: number): AttackerClient {
  const spec = rng.chance(0.75) ? randomComputer(rng) : randomPhone(rng, 0.4);
  return {
    deviceId: `d-${rng.hex(16)}`,
    userAgent: userAgentAt(spec, t),
    deviceType: deviceTypeOf(spec.platform),
  };
}

/** A script: an HTTP library's user agent, or a headless browser's. */
export function automationClient(rng: Rng): AttackerClient {
  const userAgent = rng.pick(AUTOMATION_USER_AGENTS);
  return { deviceId: `d-${rng.hex(16)}`, userAgent, deviceType: deviceTypeOfUserAgent(userAgent) };
}

/** A client that claims to be a browser from a stuffing tool's stale list. */
export function staleBrowserClient(rng: Rng, list: readonly string[]): AttackerClient {
  const userAgent = rng.pick(list);
  return { deviceId: `d-${rng.hex(16)}`, userAgent, deviceType: deviceTypeOfUserAgent(userAgent) };
}

/** The stale list a given tool ships (3–14 months behind the date). */
export function staleList(rng: Rng, t: number): string[] {
  return staleCommonUserAgents(t, rng.int(3, 14));
}

/**
 * Tor Browser: Firefox ESR's user agent on Windows whatever the real OS (the point of Tor
 * Browser is that every user looks the same). ESR 140 replaced 128 in mid-2025.
 */
export function torBrowserClient(rng: Rng, t: number): AttackerClient {
  const esr = t >= Date.UTC(2025, 6, 1) ? 140 : 128;
  return {
    deviceId: `d-${rng.hex(16)}`,
    userAgent: `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${esr}.0) Gecko/20100101 Firefox/${esr}.0`,
    deviceType: 'desktop',
  };
}

/** Behavioural score of a script: no human rhythm at all. */
export function botScore(rng: Rng): number {
  return round3(rng.between(0.02, 0.28));
}

/** Behavioural score of a human attacker: unfamiliar with the account, pasting the password. */
export function humanAttackerScore(rng: Rng): number {
  return round3(Math.min(0.72, Math.max(0.12, rng.gaussian(0.42, 0.12))));
}

/** Session length of a takeover: from a quick look (seconds) to a long dig through the mailbox. */
export function takeoverSession(rng: Rng): number {
  return Math.round(Math.min(4 * 3600, Math.max(20, rng.logNormal(12 * 60, 1.1))));
}

/** Session length when a script only checks that the password works. */
export function validationSession(rng: Rng): number {
  return rng.int(3, 90);
}

/** An address in a residential ISP block of the city (a residential proxy exit or a home router). */
export function residentialIn(rng: Rng, pool: IpPool, city: PoolCity): PickedIp {
  return pool.pick(rng, rng.pick(city.residential));
}

/** An address in a hosting block, in the country when it has any, else anywhere. */
export function hostingIn(rng: Rng, pool: IpPool, country?: string): PickedIp {
  const local = country === undefined ? undefined : pool.countries.get(country)?.hosting;
  return pool.pick(rng, rng.pick(local !== undefined && local.length > 0 ? local : pool.hosting));
}

/** A moment on the attack's UTC day, uniformly. */
export function momentOnDay(rng: Rng, ctx: AttackContext, day: number): number {
  return ctx.startMs + day * DAY_MS + rng.int(0, DAY_MS - 1);
}

/** Builds and emits one attack event. */
export function emitAttack(
  ctx: AttackContext,
  attack: PlannedAttack,
  fields: {
    t: number;
    account: SimAccount;
    success: boolean;
    ip: PickedIp;
    client: AttackerClient;
    behavioralScore: number;
    sessionDurationSec?: number;
    mfa?: 'passed' | 'failed';
  },
): void {
  const event = new SimEvent(
    fields.t,
    fields.account,
    fields.success,
    fields.ip,
    fields.client,
    fields.behavioralScore,
    attack.scenario,
    {
      sessionDurationSec: fields.success ? (fields.sessionDurationSec ?? 60) : undefined,
      mfa: fields.mfa,
      attackId: attack.id,
    },
  );
  ctx.sink.emit(event);
}

/** One password guess by a script: where, when, against whom, and whether it worked. */
export interface ScriptedGuess {
  t: number;
  account: SimAccount;
  success: boolean;
  ip: PickedIp;
  client: AttackerClient;
  mfa?: 'passed' | 'failed';
}

/**
 * Emits one scripted guess with a bot's behavioural score and the short session of a password
 * check. The session length is drawn even for a failure (which records none) so that every
 * seeded dataset keeps its random draws, and so its events, as they were.
 */
export function emitScriptedGuess(ctx: AttackContext, attack: PlannedAttack, guess: ScriptedGuess): void {
  const { rng } = attack;
  emitAttack(ctx, attack, {
    ...guess,
    behavioralScore: botScore(rng),
    sessionDurationSec: validationSession(rng),
  });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
