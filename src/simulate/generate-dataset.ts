import { loadAsnTable } from '../enrich/asn-table.js';
import { openGeoIp } from '../enrich/geoip.js';
import { Rng } from '../util/random.js';
import { runAnonymizingTakeover } from './attacks/anonymizing-takeover.js';
import type { AttackContext, AttackOutcome, AttackRunner, PlannedAttack } from './attacks/attack-kit.js';
import { planAttacks } from './attacks/attack-plan.js';
import { runBruteForce } from './attacks/brute-force.js';
import { runCredentialStuffing } from './attacks/credential-stuffing.js';
import { runImpossibleTravel } from './attacks/impossible-travel.js';
import { runLowAndSlow } from './attacks/low-and-slow.js';
import { runNewDeviceOddHours } from './attacks/new-device-odd-hours.js';
import { runPasswordSpray } from './attacks/password-spray.js';
import { liveBenignDay } from './benign-life.js';
import { Atlas } from './cities.js';
import { type Company, createCompanies } from './companies.js';
import {
  ATTACK_SCENARIOS,
  type AttackScenario,
  type DatasetLabel,
  type DatasetRecord,
} from './dataset-record.js';
import { EventSorter } from './event-sorter.js';
import { buildIpPool, type IpPool } from './ip-pool.js';
import { DAY_MS, LocalCalendar } from './local-time.js';
import { createUser, type SimUser } from './user-habits.js';

/** Options of {@link generateDataset}; the CLI flags of `loginguard generate`. */
export interface GenerateDatasetOptions {
  users: number;
  days: number;
  seed: number;
  /** First day, `YYYY-MM-DD` (UTC midnight). Default {@link DEFAULT_START}. */
  start?: string;
  /** Multiplier on the default number of attack campaigns (1 per 50 users per 30 days). Default 1. */
  attackRate?: number;
  /** A pool built earlier (tests and benchmarks build it once); else one is built from the bundled databases. */
  pool?: IpPool;
  /** Called after each simulated day, for progress bars. */
  onProgress?: (daysDone: number, daysTotal: number) => void;
}

/** The default first day: a Monday. */
export const DEFAULT_START = '2026-01-05';

/** Counts of a run, filled in as records are consumed (final once iteration ends). */
export interface DatasetSummary {
  users: number;
  companies: number;
  events: number;
  byLabel: Record<DatasetLabel, number>;
  successesByLabel: Record<DatasetLabel, number>;
  /** Campaigns that ran, per scenario. */
  attacks: Record<AttackScenario, number>;
  /** Campaigns that could not run (e.g. an impossible-travel victim who never logged in again). */
  attacksSkipped: number;
  /** Opening GeoIP and the ASN table (0 when a pool was passed in). */
  poolLoadMs: number;
  /** Walking, classifying and probing the ranges (0 when a pool was passed in). */
  poolBuildMs: number;
}

/**
 * A generation run: the records (a lazy, single-pass iterable in global time order) and the
 * simulated world behind them, which tests use to check habits against what was emitted.
 */
export interface DatasetRun {
  records: Iterable<DatasetRecord>;
  summary: DatasetSummary;
  users: readonly SimUser[];
  companies: readonly Company[];
  attacks: readonly PlannedAttack[];
  /** What each campaign did, by attack id (filled as the simulation reaches its day). */
  outcomes: ReadonlyMap<string, AttackOutcome>;
  pool: IpPool;
  startMs: number;
  endMs: number;
}

const RUNNERS: Readonly<Record<AttackScenario, AttackRunner>> = {
  brute_force: runBruteForce,
  password_spray: runPasswordSpray,
  credential_stuffing: runCredentialStuffing,
  impossible_travel: runImpossibleTravel,
  new_device_odd_hours: runNewDeviceOddHours,
  anonymizing_takeover: runAnonymizingTakeover,
  low_and_slow: runLowAndSlow,
};

/**
 * Opens the bundled GeoIP and ASN databases and builds the address pool: the expensive part of a
 * run (about 2 s), done once and shared between runs.
 */
export function loadIpPool(): { pool: IpPool; loadMs: number } {
  const began = performance.now();
  const geoIp = openGeoIp();
  const asnTable = loadAsnTable();
  const loadMs = performance.now() - began;
  return { pool: buildIpPool({ geoIp, asnTable }), loadMs };
}

/**
 * Generates a synthetic, labelled login dataset: `users` employees of 5–200-person companies
 * living `days` days of working life (with the look-alikes of docs/dataset.md), plus attack
 * campaigns of the seven scenarios. Same options, same records, byte for byte.
 *
 * Memory stays flat: days are simulated in order and each UTC day is sorted and released as soon
 * as no later simulation step can add to it.
 *
 * @example
 * const run = generateDataset({ users: 200, days: 14, seed: 7 });
 * for (const record of run.records) out.write(toJsonLine(record));
 * console.log(run.summary.byLabel);
 *
 * @throws Error when an option is out of range (the message names it).
 */
export function generateDataset(options: GenerateDatasetOptions): DatasetRun {
  const { users: userCount, days, seed } = options;
  const attackRate = options.attackRate ?? 1;
  if (!Number.isInteger(userCount) || userCount < 1)
    throw new Error(`users must be a positive integer, got ${userCount}`);
  if (!Number.isInteger(days) || days < 1) throw new Error(`days must be a positive integer, got ${days}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isFinite(attackRate) || attackRate < 0)
    throw new Error(`attackRate must be ≥ 0, got ${attackRate}`);
  const startMs = parseStart(options.start ?? DEFAULT_START);
  const endMs = startMs + days * DAY_MS;

  let poolLoadMs = 0;
  let pool = options.pool;
  if (pool === undefined) {
    const loaded = loadIpPool();
    pool = loaded.pool;
    poolLoadMs = loaded.loadMs;
  }
  const atlas = new Atlas(pool);
  const calendar = new LocalCalendar(startMs);
  const root = Rng.fromSeed(seed);

  const companies = createCompanies(root.fork('companies'), userCount, atlas, pool);
  const users: SimUser[] = [];
  const usersByTenant = new Map<string, SimUser[]>();
  for (const company of companies) {
    const staff: SimUser[] = [];
    for (let i = 0; i < company.size; i++) {
      const index = users.length + 1;
      const user = createUser(root.fork('user', index), index, company, { pool, atlas, calendar, days });
      users.push(user);
      staff.push(user);
    }
    usersByTenant.set(company.tenant, staff);
  }
  const attacks = planAttacks(root.fork('attacks'), users, days, attackRate);

  const summary: DatasetSummary = {
    users: users.length,
    companies: companies.length,
    events: 0,
    byLabel: zeroByLabel(),
    successesByLabel: zeroByLabel(),
    attacks: Object.fromEntries(ATTACK_SCENARIOS.map((s) => [s, 0])) as Record<AttackScenario, number>,
    attacksSkipped: 0,
    poolLoadMs,
    poolBuildMs: options.pool === undefined ? pool.stats.buildMs : 0,
  };
  const outcomes = new Map<string, AttackOutcome>();
  const sorter = new EventSorter(startMs, endMs, seed);
  const lifeCtx = { pool, calendar, sink: sorter };
  const attackCtx: AttackContext = {
    pool,
    atlas,
    calendar,
    sink: sorter,
    users,
    companies,
    usersByTenant,
    startMs,
    days,
  };

  function* simulate(): Generator<DatasetRecord> {
    let waiting: PlannedAttack[] = [];
    let nextAttack = 0;
    // Local days -1 … days: people east and west of UTC have parts of their day -1 and day `days`
    // inside the UTC period; the sorter drops what falls outside it.
    for (let day = -1; day <= days; day++) {
      for (const user of users) liveBenignDay(user, day, lifeCtx);
      while (nextAttack < attacks.length && (attacks[nextAttack] as PlannedAttack).day <= day) {
        waiting.push(attacks[nextAttack++] as PlannedAttack);
      }
      const postponed: PlannedAttack[] = [];
      for (const attack of waiting) {
        const outcome = RUNNERS[attack.scenario]({ ...attack, day }, attackCtx);
        if (outcome !== undefined) {
          outcomes.set(attack.id, outcome);
          summary.attacks[attack.scenario]++;
        } else if (day + 1 < days) {
          postponed.push(attack);
        } else {
          summary.attacksSkipped++;
        }
      }
      waiting = postponed;
      // Nothing simulated from day + 1 on can land before UTC day `day` (zones are at most 14 h
      // ahead of UTC, and attacks start on their own day), so everything before it is final.
      yield* count(sorter.release(day - 1));
      if (day >= 0) options.onProgress?.(Math.min(day + 1, days), days);
    }
    yield* count(sorter.release(days + 1));
  }

  function count(records: DatasetRecord[]): DatasetRecord[] {
    for (const record of records) {
      summary.byLabel[record.label]++;
      if (record.success) summary.successesByLabel[record.label]++;
    }
    summary.events += records.length;
    return records;
  }

  return { records: simulate(), summary, users, companies, attacks, outcomes, pool, startMs, endMs };
}

function zeroByLabel(): Record<DatasetLabel, number> {
  const out = { benign: 0 } as Record<DatasetLabel, number>;
  for (const s of ATTACK_SCENARIOS) out[s] = 0;
  return out;
}

/** UTC midnight of a `YYYY-MM-DD` date. @throws Error naming the bad value. */
export function parseStart(start: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  const ms = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== start) {
    throw new Error(`start must be a date as YYYY-MM-DD, got "${start}"`);
  }
  return ms;
}
