import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertConfig } from '../../src/alert/alert-config.js';
import { verifyWebhookSignature } from '../../src/alert/webhook-signature.js';
import { auth, eventBody, testService } from '../server/test-service.js';
import { startMailCatcher } from './mail-catcher.js';

const XSS = '<img src=x onerror=alert(1)>';
const VICTIM = 'victim@example.com';
const TEAM = 'secteam@example.com';
/** 09:00 UTC five days ago: the attack happens after alice's normal logins (test-service's base). */
const ATTACK_AT = Math.floor(Date.now() / 86_400_000 - 5) * 86_400_000 + 9 * 3600_000;

type Catcher = Awaited<ReturnType<typeof startMailCatcher>>;
type T = Awaited<ReturnType<typeof testService>>;

describe('a brute force of 500 attempts, end to end over SMTP and HTTP', () => {
  let smtp: Catcher;
  let t: T;
  let base: string;

  beforeAll(async () => {
    smtp = await startMailCatcher();
    t = await testService({
      smtpUrl: smtp.url,
      alertTeamEmails: [TEAM],
      publicUrl: 'https://loginguard.example.com/',
      alerts: { userMailEveryMinutes: 60 } as AlertConfig,
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // A few normal logins first, so the victim has a baseline.
    const normal = [0, 1, 2].map((d) =>
      eventBody({ userId: VICTIM, timestamp: new Date(ATTACK_AT - (3 - d) * 86_400_000).toISOString() }),
    );
    const attack = Array.from({ length: 500 }, (_, i) =>
      eventBody({
        userId: VICTIM,
        success: false,
        ip: '45.155.205.233',
        userAgent: XSS,
        deviceId: undefined,
        timestamp: new Date(ATTACK_AT + i * 2000).toISOString(),
      }),
    );
    expect((await t.ingestAndAlert([...normal, ...attack])).accepted).toBe(503);
    await smtp.settled();
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('sends one "was this you?" mail to the user and one alert to the team, not hundreds', async () => {
    const denied = await t.app.inject({
      url: `/v1/assessments?userId=${encodeURIComponent(VICTIM)}&action=deny&limit=1000`,
      headers: auth(t.keys.read),
    });
    expect(denied.json().items.length).toBeGreaterThan(400);
    expect(smtp.to(VICTIM)).toHaveLength(1);
    const team = smtp.to(TEAM);
    expect(team.length).toBeGreaterThanOrEqual(1);
    expect(team.length).toBeLessThanOrEqual(2); // the alert, plus at most a digest
    expect(team[0]?.subject).toMatch(/Brute force on an account/);
    expect(smtp.mails).toHaveLength(smtp.to(VICTIM).length + team.length);

    const alerts = await t.app.inject({ url: '/v1/alerts', headers: auth(t.keys.read) });
    expect(alerts.json().items).toHaveLength(team.length);
    expect(alerts.json().items[0]).toMatchObject({ userId: VICTIM, kind: 'brute_force' });
  });

  it("writes the user mail in plain words with text and HTML parts, the attacker's user agent inert", () => {
    const mail = smtp.to(VICTIM)[0];
    expect(mail?.subject).toMatch(/^Was this you\? (We blocked a|A) sign-in to your account/);
    expect(mail?.text).toContain(`Browser: ${XSS}`);
    expect(mail?.text).toContain('IP address: 45.155.205.233');
    expect(mail?.text).toMatch(
      /^Someone tried to sign in to your account, and we blocked it\.\nThe password was wrong; after repeated attempts your account is locked/,
    );
    const html = String(mail?.html);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/onerror=alert\(1\)>/);
    const teamHtml = String(smtp.to(TEAM)[0]?.html);
    expect(teamHtml).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(teamHtml).not.toContain('<img');
  });

  it('locks the account from "No, secure my account" (the GET only asks), then refuses the link again', async () => {
    const text = String(smtp.to(VICTIM)[0]?.text);
    const secure = /No, secure my account: (\S+)/.exec(text)?.[1] ?? '';
    const confirm = /Yes, it was me: (\S+)/.exec(text)?.[1] ?? '';
    expect(secure.startsWith('https://loginguard.example.com/alerts/link?token=')).toBe(true);
    const local = (link: string) => `${base}${new URL(link).pathname}${new URL(link).search}`;

    const page = await fetch(local(secure));
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('<form method="post">');
    expect(pageHtml).toContain('No, secure my account');
    const user = async () =>
      (
        await t.app.inject({ url: `/v1/users/${encodeURIComponent(VICTIM)}`, headers: auth(t.keys.read) })
      ).json();
    expect((await user()).locked).toBeNull(); // a mail scanner's GET changed nothing
    // The brute-force locks (an hour at most) are over by the time of the next login.
    const nextAt = ATTACK_AT + 3 * 3600_000;
    expect((await t.service.scoring.peek(VICTIM)).lock?.until ?? 0).toBeLessThan(nextAt);

    const posted = await fetch(local(secure), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('Your account is locked');
    expect((await user()).locked).not.toBeNull();

    const next = await t.app.inject({
      method: 'POST',
      url: '/v1/assess',
      headers: auth(t.keys.ingest),
      payload: eventBody({ userId: VICTIM, timestamp: new Date(nextAt).toISOString() }),
    });
    expect(next.json()).toMatchObject({ action: 'deny', accountLocked: true });

    const again = await fetch(local(secure), { method: 'POST' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('used already');
    const other = await fetch(local(confirm), { method: 'POST' });
    expect(other.status).toBe(410);

    await t.service.alerts.idle();
    await smtp.settled();
    expect(
      smtp.to(TEAM).some((m) => m.subject === '[loginguard] A user reported a sign-in that was not theirs'),
    ).toBe(true);
    const audit = await t.app.inject({ url: '/v1/audit?limit=1000', headers: auth(t.keys.admin) });
    const actions = new Set(audit.json().items.map((e: { action: string }) => e.action));
    for (const a of [
      'alert.raise',
      'alert.user_mail',
      'alert.team_mail',
      'alert.link.secure',
      'account.lock',
      'feedback.attack',
    ]) {
      expect(actions).toContain(a);
    }
  });
});

describe('without SMTP: mail as .eml files; webhooks; expired links', () => {
  it('writes the mails to the folder, posts the alert to the webhook, refuses an expired link', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-loginguard-signature'] as string | undefined });
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const port = (hook.address() as AddressInfo).port;
    const secret = 'whsec_flow_0123456789';
    const t = await testService({
      alertTeamEmails: [TEAM],
      webhookUrls: [`http://127.0.0.1:${port}/`],
      webhookSecret: secret,
      alerts: { linkTtlHours: 1e-6 } as AlertConfig, // links expire 3.6 ms after the mail
    });
    try {
      const attack = Array.from({ length: 40 }, (_, i) =>
        eventBody({
          userId: VICTIM,
          success: false,
          ip: '45.155.205.233',
          timestamp: new Date(ATTACK_AT + i * 1000).toISOString(),
        }),
      );
      await t.ingestAndAlert(attack);
      await t.service.alerts.webhooks.settled();

      const dir = join(t.dataDir, 'mail');
      const mails = await Promise.all(readdirSync(dir).map((f) => simpleParser(readFileSync(join(dir, f)))));
      const toAddresses = mails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address).sort();
      expect(toAddresses).toEqual([TEAM, VICTIM].sort());

      expect(received).toHaveLength(1);
      const first = received[0] as { body: string; signature: string | undefined };
      expect(verifyWebhookSignature(secret, first.signature, first.body, Math.floor(Date.now() / 1000))).toBe(
        true,
      );
      const payload = JSON.parse(first.body);
      expect(payload).toMatchObject({
        type: 'alert.created',
        alert: { userId: VICTIM, kind: 'brute_force' },
      });
      const log = await t.app.inject({ url: '/v1/webhooks/deliveries', headers: auth(t.keys.admin) });
      expect(log.json().items).toEqual([
        expect.objectContaining({ alertId: payload.alert.id, status: 'delivered', attempts: 1 }),
      ]);
      expect(
        (await t.app.inject({ url: '/v1/webhooks/deliveries', headers: auth(t.keys.read) })).statusCode,
      ).toBe(403);

      const userMail = mails.find((m) => String(m.text).includes('No, secure my account'));
      const link = new URL(/No, secure my account: (\S+)/.exec(String(userMail?.text))?.[1] ?? '');
      const res = await t.app.inject({ method: 'POST', url: `${link.pathname}${link.search}` });
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('expired');
      const tampered = await t.app.inject({ url: `${link.pathname}${link.search.slice(0, -3)}` });
      expect(tampered.statusCode).toBe(400);
    } finally {
      await t.close();
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });
});

describe('"Yes, it was me"', () => {
  it('teaches the baseline the confirmed login and audits that it did', async () => {
    const t = await testService({
      alerts: { rules: [{ actions: ['challenge', 'deny'], channels: ['user'] }] } as AlertConfig,
    });
    try {
      const user = 'ivy@example.com';
      for (let i = 0; i < 15; i++) {
        await t.app.inject({
          method: 'POST',
          url: '/v1/assess',
          headers: auth(t.keys.ingest),
          payload: eventBody({ userId: user }),
        });
      }
      const odd = eventBody({ userId: user, ip: '1.0.16.1', deviceId: 'new-pc' });
      const a = (
        await t.app.inject({ method: 'POST', url: '/v1/assess', headers: auth(t.keys.ingest), payload: odd })
      ).json();
      expect(a.action).not.toBe('allow');
      await t.service.alerts.idle();
      const dir = join(t.dataDir, 'mail');
      const mails = await Promise.all(readdirSync(dir).map((f) => simpleParser(readFileSync(join(dir, f)))));
      const text = String(mails.find((m) => String(m.text).includes('Yes, it was me'))?.text);
      const link = new URL(/Yes, it was me: (\S+)/.exec(text)?.[1] ?? '');
      const res = await t.app.inject({ method: 'POST', url: `${link.pathname}${link.search}` });
      expect(res.statusCode).toBe(200);
      const baseline = (await t.app.inject({ url: `/v1/users/${user}`, headers: auth(t.keys.read) })).json()
        .baseline;
      expect(baseline.devices.map((d: { key: string }) => d.key)).toContain('id:new-pc');
      const audit = await t.app.inject({
        url: '/v1/audit?action=feedback.legitimate',
        headers: auth(t.keys.admin),
      });
      expect(audit.json().items[0]).toMatchObject({
        target: user,
        detail: { eventId: odd.eventId, learned: true },
      });
    } finally {
      await t.close();
    }
  });
});
