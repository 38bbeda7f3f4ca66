import { describe, expect, it } from 'vitest';
import type { IncidentState } from '../../src/alert/incident-throttle.js';
import { renderTeamMail } from '../../src/alert/team-mail.js';

const T0 = Date.UTC(2026, 0, 5, 9);

function incident(users: number, listed: number): IncidentState {
  return {
    key: 'tenant:acme:credential_stuffing',
    kind: 'credential_stuffing',
    firstEventId: 'e0',
    openedAt: T0,
    lastAt: T0 + 60_000,
    count: users * 2,
    users: Array.from({ length: listed }, (_, i) => `u${i}@example.com`),
    userCount: users,
    ips: ['198.51.100.7'],
    ipCount: 1,
    reasons: { CREDENTIAL_STUFFING: users * 2 },
    teamCount: 0,
    digests: 0,
    userMails: {},
  };
}

describe('team mail', () => {
  it('gives an exact count of accounts while they are all listed', () => {
    const mail = renderTeamMail(incident(12, 12), 'alert', []);
    expect(mail.text).toContain('on 12 accounts');
    expect(mail.text).toContain('12: u0@example.com');
    expect(mail.text).toContain('and 2 more');
    expect(mail.text).not.toContain('about');
  });

  it('says "about" for a count estimated beyond the listed accounts', () => {
    const mail = renderTeamMail(incident(4_210, 50), 'digest', []);
    expect(mail.text).toContain('on about 4210 accounts');
    expect(mail.text).toContain('about 4210: u0@example.com');
    expect(mail.text).toContain('and about 4200 more');
    expect(mail.text).toContain('1: 198.51.100.7');
  });
});
