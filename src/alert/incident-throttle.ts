import { addToSketch, type DistinctSketch, estimateDistinct } from './distinct-sketch.js';
import type { IncidentKind, IncidentRef } from './incident-key.js';

const MIN_MS = 60_000;
/** Evidence lists stop growing here: a spray over 50,000 accounts must not grow a row without bound. */
const MAX_LISTED = 50;
/**
 * Users whose last mail an incident remembers. The record is stored with the incident (and
 * serialised again whenever it changes), so a spray over tens of thousands of accounts must not
 * grow it without bound: past this the oldest entries go, and such a user could be mailed twice
 * within the hour.
 */
export const MAX_MAILED_USERS = 5000;

/** Throttle settings, in minutes of event time. */
export interface ThrottleConfig {
  userMailEveryMinutes: number;
  incidentQuietMinutes: number;
  digestEveryMinutes: number;
}

/** One alerting login, as the throttle sees it. */
export interface IncidentLogin {
  /** Event time, epoch ms. */
  t: number;
  eventId: string;
  userId: string;
  ip: string;
  reasons: readonly string[];
}

/**
 * An incident and what was told about it. Times are event times (epoch ms), so a replayed
 * attack is throttled exactly as it was live.
 */
export interface IncidentState {
  key: string;
  kind: IncidentKind;
  /** The login that opened it; the incident's alert id derives from it. */
  firstEventId: string;
  openedAt: number;
  lastAt: number;
  count: number;
  /**
   * The first accounts and addresses involved (up to 50 each), and how many distinct ones in all:
   * exact up to 50, beyond that 50 + an estimate of the distinct ones not listed (`usersBeyond`,
   * `ipsBeyond`: see distinct-sketch.ts), within a few percent.
   */
  users: string[];
  userCount: number;
  usersBeyond?: DistinctSketch;
  ips: string[];
  ipCount: number;
  ipsBeyond?: DistinctSketch;
  reasons: Record<string, number>;
  /** When the team was last told (alert or digest), and the count it was told. */
  teamAt?: number;
  teamCount: number;
  digests: number;
  /** Last "was this you?" mail per user. */
  userMails: Record<string, number>;
  /** How many entries `userMails` has (counted once for states stored before it existed). */
  mailedUsers?: number;
}

/** A notice for the team: the incident's first alert, or a digest of its growth since the last one. */
export type TeamNotice = 'alert' | 'digest';

/** Ranks kinds so that an incident takes the most specific name its logins gave it. */
const KIND_RANK: Record<IncidentKind, number> = {
  account_takeover: 0,
  brute_force: 1,
  credential_stuffing: 2,
  password_spray: 3,
};

/**
 * Adds a login to its incident, opening a new one when there is none or the last one went quiet
 * for `incidentQuietMinutes`. Returns the state to keep (the same object, updated, when it goes
 * on) and whether this login opened it. Pure apart from updating `state`.
 */
export function observeLogin(
  state: IncidentState | undefined,
  ref: IncidentRef,
  login: IncidentLogin,
  config: ThrottleConfig,
): { state: IncidentState; opened: boolean } {
  const open = state !== undefined && login.t - state.lastAt < config.incidentQuietMinutes * MIN_MS;
  const s: IncidentState = open
    ? state
    : {
        key: ref.key,
        kind: ref.kind,
        firstEventId: login.eventId,
        openedAt: login.t,
        lastAt: login.t,
        count: 0,
        users: [],
        userCount: 0,
        ips: [],
        ipCount: 0,
        reasons: {},
        teamCount: 0,
        digests: 0,
        // A user mailed in the previous incident is still not mailed again within the hour.
        userMails: state?.userMails ?? {},
        ...(state?.mailedUsers !== undefined ? { mailedUsers: state.mailedUsers } : {}),
      };
  s.count++;
  s.lastAt = Math.max(s.lastAt, login.t);
  if (KIND_RANK[ref.kind] > KIND_RANK[s.kind]) s.kind = ref.kind;
  const users = countMember(s.users, login.userId, s.usersBeyond, s.userCount);
  s.userCount = users.count;
  if (users.beyond !== undefined) s.usersBeyond = users.beyond;
  const ips = countMember(s.ips, login.ip, s.ipsBeyond, s.ipCount);
  s.ipCount = ips.count;
  if (ips.beyond !== undefined) s.ipsBeyond = ips.beyond;
  for (const code of login.reasons) s.reasons[code] = (s.reasons[code] ?? 0) + 1;
  return { state: s, opened: !open };
}

/** True when this user may get a "was this you?" mail for this incident now; records it if so. */
export function takeUserMail(
  state: IncidentState,
  userId: string,
  t: number,
  config: ThrottleConfig,
): boolean {
  const windowMs = config.userMailEveryMinutes * MIN_MS;
  const last = state.userMails[userId];
  if (last !== undefined && t - last < windowMs && t >= last) return false;
  if (last === undefined) state.mailedUsers = (state.mailedUsers ?? Object.keys(state.userMails).length) + 1;
  else delete state.userMails[userId];
  state.userMails[userId] = t;
  if ((state.mailedUsers ?? 0) > MAX_MAILED_USERS) forgetMailedUsers(state, t - windowMs);
  return true;
}

/**
 * Drops the mail records that no longer throttle (older than `since`), then the oldest until half
 * the bound is left (so this runs once per MAX_MAILED_USERS / 2 mails, not on every one). Keys
 * are in the order mails were sent (a re-mailed user moves to the end; JavaScript puts
 * integer-like ids first, which only changes who goes first past the bound).
 */
function forgetMailedUsers(state: IncidentState, since: number): void {
  const kept = Object.entries(state.userMails).filter(([, at]) => at >= since);
  state.userMails = Object.fromEntries(kept.slice(-Math.floor(MAX_MAILED_USERS / 2)));
  state.mailedUsers = Object.keys(state.userMails).length;
}

/**
 * What the team should be told now: the first alert of an incident, or a digest once it has grown
 * since the last notice and `digestEveryMinutes` have passed; records it. Undefined: nothing.
 */
export function takeTeamNotice(
  state: IncidentState,
  t: number,
  config: ThrottleConfig,
): TeamNotice | undefined {
  let notice: TeamNotice | undefined;
  if (state.teamAt === undefined) notice = 'alert';
  else if (state.count > state.teamCount && t - state.teamAt >= config.digestEveryMinutes * MIN_MS) {
    notice = 'digest';
    state.digests++;
  }
  if (notice !== undefined) {
    state.teamAt = t;
    state.teamCount = state.count;
  }
  return notice;
}

/**
 * Counts `value` among an incident's accounts or addresses: listed while the list has room,
 * otherwise added to the sketch of those beyond it. A login of an account already counted, listed
 * or not, leaves the count as it was (it once grew with every login of an unlisted account).
 */
function countMember(
  list: string[],
  value: string,
  beyond: DistinctSketch | undefined,
  count: number,
): { count: number; beyond: DistinctSketch | undefined } {
  if (list.includes(value)) return { count, beyond };
  if (list.length < MAX_LISTED) {
    list.push(value);
    return { count: count + 1, beyond };
  }
  const sketch = addToSketch(beyond, value);
  // An unchanged sketch is an unchanged estimate (most logins of a large incident leave it so).
  if (sketch === beyond) return { count, beyond };
  // Never down: an estimate can dip by one where the sketch changes method, and a state stored
  // before the sketch existed carries the old count.
  return { count: Math.max(count, MAX_LISTED + estimateDistinct(sketch)), beyond: sketch };
}
