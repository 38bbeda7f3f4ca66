import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, auth, testService } from '../server/test-service.js';

type TestService = Awaited<ReturnType<typeof testService>>;
let t: TestService | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

const SMTP_PASSWORD = 'smtp-pass-Qx7Zt2';
const LINK_SECRET = `link-secret-${'L'.repeat(32)}`;
const WEBHOOK_SECRET = `webhook-secret-${'W'.repeat(16)}`;
const WEBHOOK_PATH = 'T0000/B0000/hook-token-Hj3k';

describe('GET /v1/settings', () => {
  it('shows thresholds, lockout, mode and alert rules, and never a secret', async () => {
    t = await testService({
      smtpUrl: `smtp://mailer:${SMTP_PASSWORD}@mail.example.com:587`,
      linkSecret: LINK_SECRET,
      webhookUrls: [`https://hooks.example.com/services/${WEBHOOK_PATH}?token=abc123`],
      webhookSecret: WEBHOOK_SECRET,
      alertTeamEmails: ['soc@example.com'],
      scoring: { policy: { mode: 'monitor', denyThreshold: 0.9 } },
      alerts: {
        rules: [{ reasons: ['IMPOSSIBLE_TRAVEL'], channels: ['team'] }],
      } as never,
    });
    const res = await t.app.inject({ url: '/v1/settings', headers: auth(t.keys.admin) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.mode).toBe('monitor');
    expect(body.scoring.policy.denyThreshold).toBe(0.9);
    expect(body.scoring.policy.challengeThreshold).toBe(0.5);
    expect(body.scoring.lockout.fastFailures).toBe(10);
    expect(body.alerts.rules).toEqual([{ reasons: ['IMPOSSIBLE_TRAVEL'], channels: ['team'] }]);
    expect(body.alerts.teamEmails).toEqual(['soc@example.com']);
    expect(body.alerts.delivery).toEqual({
      smtp: 'smtp://mailer:***@mail.example.com:587',
      mailFrom: 'loginguard <loginguard@localhost>',
      webhooks: ['https://hooks.example.com'],
      webhookSecretSet: true,
      linkSecretSet: true,
    });
    for (const secret of [SMTP_PASSWORD, LINK_SECRET, WEBHOOK_SECRET, WEBHOOK_PATH, 'abc123', ADMIN_KEY]) {
      expect(res.body).not.toContain(secret);
    }
  });

  it('answers with the defaults when nothing is configured', async () => {
    t = await testService();
    const body = (await t.app.inject({ url: '/v1/settings', headers: auth(t.keys.admin) })).json();
    expect(body.mode).toBe('enforce');
    expect(body.alerts.rules).toEqual([
      { actions: ['challenge', 'deny'], accountLocked: true, channels: ['user', 'team', 'webhook'] },
    ]);
    expect(body.alerts.delivery).toMatchObject({ smtp: null, webhooks: [], webhookSecretSet: false });
  });

  it('needs the admin scope', async () => {
    t = await testService();
    const res = await t.app.inject({ url: '/v1/settings', headers: auth(t.keys.read) });
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/settings' })).statusCode).toBe(401);
  });
});
