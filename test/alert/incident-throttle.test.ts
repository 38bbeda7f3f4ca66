import { describe, expect, it } from 'vitest';
import { incidentOf } from '../../src/alert/incident-key.js';
import {
  type IncidentState,
  MAX_MAILED_USERS,
  observeLogin,
  type ThrottleConfig,
  takeTeamNotice,
  takeUserMail,
} from '../../src/alert/incident-throttle.js';
import type { ReasonCode } from '../../src/detect/reason-codes.js';
import type { Assessment } from '../../src/event/assessment.js';

const MIN = 60_000;
const CFG: ThrottleConfig = { userMailEveryMinutes: 60, incidentQuietMinutes: 60, digestEveryMinutes: 60 };
const T0 = Date.UTC(2026, 0, 5, 9);

function assessment(userId: string, codes: ReasonCode[]): Assessment {
  return {
    eventId: 'e',
    userId,
    timestamp: new Date(T0).toISOString(),
    riskScore: 0.9,
    riskLevel: 'high',
    action: 'deny',
    accountLocked: false,
    reasons: codes.map((code) => ({ code, score: 0.9, message: code })),
    scores: {},
    context: { network: 'hosting', device: { type: 'desktop' } },
  };
}

/** Feeds `n` logins, one every `everyMs`, counting the mails the throttle lets through. */
function run(n: number, everyMs: number, codes: ReasonCode[] = ['BRUTE_FORCE']) {
  let state: IncidentState | undefined;
  let userMails = 0;
  const notices: string[] = [];
  let opened = 0;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * everyMs;
    const ref = incidentOf(assessment('bob@example.com', codes), { ip: '203.0.113.9' });
    const o = observeLogin(
      state,
      ref,
      { t, eventId: `e${i}`, userId: 'bob@example.com', ip: '203.0.113.9', reasons: codes },
      CFG,
    );
    state = o.state;
    if (o.opened) opened++;
    if (takeUserMail(state, 'bob@example.com', t, CFG)) userMails++;
    const notice = takeTeamNotice(state, t, CFG);
    if (notice) notices.push(notice);
  }
  return { state, userMails, notices, opened };
}

describe('incident throttle', () => {
  it('turns 500 attempts in 20 minutes into one incident, one user mail and one team alert', () => {
    const r = run(500, 2400);
    expect(r.opened).toBe(1);
    expect(r.userMails).toBe(1);
    expect(r.notices).toEqual(['alert']);
    expect(r.state?.count).toBe(500);
  });

  it('sends a digest per hour while the incident keeps growing, and one user mail per hour', () => {
    const r = run(181, MIN); // three hours, a login a minute
    expect(r.opened).toBe(1);
    expect(r.notices).toEqual(['alert', 'digest', 'digest', 'digest']);
    expect(r.userMails).toBe(4);
  });

  it('opens a new incident after a quiet hour', () => {
    const r = run(2, 61 * MIN);
    expect(r.opened).toBe(2);
    expect(r.notices).toEqual(['alert', 'alert']);
  });

  it('keys a spray by IP, stuffing by tenant, and anything aimed at one account by the user', () => {
    expect(incidentOf(assessment('a', ['PASSWORD_SPRAY']), { ip: '198.51.100.7' }).key).toBe(
      'ip:198.51.100.7:password_spray',
    );
    expect(incidentOf(assessment('a', ['CREDENTIAL_STUFFING']), { ip: '1.2.3.4', tenant: 'acme' })).toEqual({
      key: 'campaign:acme:credential_stuffing',
      kind: 'credential_stuffing',
    });
    expect(incidentOf(assessment('a', ['NEW_DEVICE']), { ip: '1.2.3.4' })).toEqual({
      key: 'user:a',
      kind: 'account_takeover',
    });
    expect(incidentOf(assessment('a', ['ACCOUNT_LOCKED']), { ip: '1.2.3.4' }).kind).toBe('brute_force');
  });

  it('names the incident after its most specific kind', () => {
    let state: IncidentState | undefined;
    for (const codes of [['NEW_DEVICE'], ['BRUTE_FORCE']] as ReasonCode[][]) {
      const ref = incidentOf(assessment('a', codes), { ip: '1.2.3.4' });
      state = observeLogin(
        state,
        ref,
        { t: T0, eventId: 'x', userId: 'a', ip: '1.2.3.4', reasons: codes },
        CFG,
      ).state;
    }
    expect(state?.kind).toBe('brute_force');
    expect(state?.count).toBe(2);
  });

  it('keeps its per-user mail record bounded in a spray over many accounts, and forgets expired ones', () => {
    const ref = incidentOf(assessment('u0@example.com', ['PASSWORD_SPRAY']), { ip: '203.0.113.9' });
    let state: IncidentState | undefined;
    let mails = 0;
    let largest = 0;
    const users = MAX_MAILED_USERS * 3;
    for (let i = 0; i < users; i++) {
      const t = T0 + i * 100; // 15,000 accounts in 25 minutes
      const userId = `u${i}@example.com`;
      state = observeLogin(
        state,
        ref,
        { t, eventId: `e${i}`, userId, ip: '203.0.113.9', reasons: [] },
        CFG,
      ).state;
      if (takeUserMail(state, userId, t, CFG)) mails++;
      if (i % 97 === 0 || i === users - 1) largest = Math.max(largest, Object.keys(state.userMails).length);
    }
    expect(mails).toBe(users);
    expect(largest).toBeLessThanOrEqual(MAX_MAILED_USERS);
    const s = state as IncidentState;
    // The latest ones are still throttled within the hour…
    const lastT = T0 + (users - 1) * 100;
    expect(takeUserMail(s, `u${users - 1}@example.com`, lastT + MIN, CFG)).toBe(false);
    // …and past the hour a record no longer throttles, and is dropped at the next prune.
    const later = lastT + 61 * MIN;
    expect(takeUserMail(s, `u${users - 1}@example.com`, later, CFG)).toBe(true);
    for (let i = 0; i <= MAX_MAILED_USERS; i++) takeUserMail(s, `v${i}@example.com`, later + i, CFG);
    expect(
      Object.keys(s.userMails).every((u) => u.startsWith('v') || u === `u${users - 1}@example.com`),
    ).toBe(true);
  });

  it('counts distinct accounts and addresses in a spray, each once however often it comes back', () => {
    const ref = incidentOf(assessment('u0@example.com', ['PASSWORD_SPRAY']), { ip: '203.0.113.9' });
    let state: IncidentState | undefined;
    let n = 0;
    // 400 accounts, five passwords each, from 120 addresses (each used for several accounts).
    for (let round = 0; round < 5; round++) {
      for (let u = 0; u < 400; u++) {
        state = observeLogin(
          state,
          ref,
          {
            t: T0 + n * 1000,
            eventId: `e${n}`,
            userId: `u${u}@example.com`,
            ip: `198.51.100.${u % 120}`,
            reasons: [],
          },
          CFG,
        ).state;
        n++;
      }
      const s = state as IncidentState;
      // Exact for the 50 listed, an estimate beyond: one standard error is 6.5% of the unlisted
      // (23 of 350 accounts, 5 of 70 addresses); the bounds allow three. It was 50 + every login
      // of an unlisted account: 1,800 accounts after five rounds.
      expect(s.userCount).toBeGreaterThanOrEqual(400 - 70);
      expect(s.userCount).toBeLessThanOrEqual(400 + 70);
      expect(s.ipCount).toBeGreaterThanOrEqual(120 - 21);
      expect(s.ipCount).toBeLessThanOrEqual(120 + 21);
    }
    const s = state as IncidentState;
    expect(s.users).toHaveLength(50);
    expect(s.count).toBe(2000);
    // Round trip through JSON (how the state is stored): the same count goes on.
    const stored = JSON.parse(JSON.stringify(s)) as IncidentState;
    const before = stored.userCount;
    const again = observeLogin(
      stored,
      ref,
      { t: T0 + n * 1000, eventId: 'again', userId: 'u399@example.com', ip: '198.51.100.1', reasons: [] },
      CFG,
    ).state;
    expect(again.userCount).toBe(before);
  });

  it('keeps an exact count while the accounts fit the list', () => {
    const ref = incidentOf(assessment('u0@example.com', ['PASSWORD_SPRAY']), { ip: '203.0.113.9' });
    let state: IncidentState | undefined;
    for (let i = 0; i < 120; i++) {
      state = observeLogin(
        state,
        ref,
        { t: T0 + i, eventId: `e${i}`, userId: `u${i % 40}@example.com`, ip: '203.0.113.9', reasons: [] },
        CFG,
      ).state;
    }
    expect(state?.userCount).toBe(40);
    expect(state?.ipCount).toBe(1);
    expect(state?.usersBeyond).toBeUndefined();
  });
});
