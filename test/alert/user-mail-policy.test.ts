import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, eventBody, testService } from '../server/test-service.js';
import { startMailCatcher } from './mail-catcher.js';

const TEAM = 'secteam@example.com';
const SPRAYER = '45.155.205.233';
/** 09:00 UTC four days ago, after the owners' normal logins (test-service's base is ten days ago). */
const AT = Math.floor(Date.now() / 86_400_000 - 4) * 86_400_000 + 9 * 3600_000;
const iso = (t: number) => new Date(t).toISOString();

type Catcher = Awaited<ReturnType<typeof startMailCatcher>>;
type T = Awaited<ReturnType<typeof testService>>;

/** Who hears of what: the owner only when the password was right or the account got locked. */
describe('"was this you?" goes to owners whose password was used or whose account locked', () => {
  const sprayed = Array.from({ length: 30 }, (_, i) => `user${i}@example.com`);
  const owner = 'olga@example.com';
  let smtp: Catcher;
  let t: T;

  beforeAll(async () => {
    smtp = await startMailCatcher();
    t = await testService({ smtpUrl: smtp.url, alertTeamEmails: [TEAM] });
    const history = Array.from({ length: 15 }, (_, d) =>
      eventBody({ userId: owner, deviceId: 'olga-laptop', timestamp: iso(AT - (15 - d) * 43_200_000) }),
    );
    // One wrong password on each of 30 accounts from one address: a spray.
    const spray = sprayed.map((userId, i) =>
      eventBody({ userId, success: false, ip: SPRAYER, deviceId: undefined, timestamp: iso(AT + i * 5000) }),
    );
    // The owner's right password from a new device across the world, an hour later.
    const takeover = eventBody({
      userId: owner,
      ip: '1.0.16.1',
      deviceId: 'attacker-pc',
      timestamp: iso(AT + 3600_000),
    });
    expect((await t.ingestAndAlert([...history, ...spray, takeover])).accepted).toBe(46);
    await smtp.settled();
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('tells the team about the spray and mails none of the sprayed owners', async () => {
    const denied = await t.app.inject({
      url: `/v1/assessments?reason=PASSWORD_SPRAY&limit=100`,
      headers: auth(t.keys.read),
    });
    const alerted = denied.json().items.filter((a: { action: string }) => a.action !== 'allow');
    expect(alerted.length).toBeGreaterThan(10); // the spray did alert: the rule is what held the mails
    const alerts = (await t.app.inject({ url: '/v1/alerts', headers: auth(t.keys.read) })).json().items;
    expect(alerts.map((a: { kind: string }) => a.kind)).toContain('password_spray');
    expect(smtp.to(TEAM).some((m) => /spray/i.test(String(m.subject)))).toBe(true);
    for (const userId of sprayed) expect(smtp.to(userId)).toHaveLength(0);
  });

  it('mails the owner whose right password was used, saying so', async () => {
    const a = await t.app.inject({
      url: `/v1/assessments?userId=${encodeURIComponent(owner)}&limit=1`,
      headers: auth(t.keys.read),
    });
    expect(a.json().items[0]).toMatchObject({ action: 'challenge' });
    const mails = smtp.to(owner);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toMatch(
      /^Someone tried to sign in to your account, and we asked for a second verification\.\nThe right password was used\. If this was not you, change your password now/,
    );
    expect(String(mails[0]?.html)).toContain('The right password was used.');
  });
});
