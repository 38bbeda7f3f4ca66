import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertChannels, mayAlert } from '../../src/alert/alert-rules.js';
import { loadServiceConfig } from '../../src/config/load-service-config.js';
import type { Assessment } from '../../src/event/assessment.js';

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lg-alert-config-')), 'loginguard.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const a = (over: Partial<Assessment>): Assessment => ({
  eventId: 'e',
  userId: 'u',
  timestamp: '2026-01-05T09:00:00Z',
  riskScore: 0.2,
  riskLevel: 'low',
  action: 'allow',
  accountLocked: false,
  reasons: [],
  scores: {},
  context: { network: 'residential', device: { type: 'desktop' } },
  ...over,
});

describe('alert configuration', () => {
  it('has working defaults and reads the alert variables', () => {
    const { service } = loadServiceConfig({
      LOGINGUARD_SMTP_URL: 'smtp://mail.example.com:587',
      LOGINGUARD_ALERT_TEAM_EMAILS: 'soc@example.com, ciso@example.com',
      LOGINGUARD_WEBHOOK_URLS: 'https://hooks.example.com/a',
      LOGINGUARD_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
    });
    expect(service.alertTeamEmails).toEqual(['soc@example.com', 'ciso@example.com']);
    expect(service.webhookUrls).toEqual(['https://hooks.example.com/a']);
    expect(service.alerts).toMatchObject({ enabled: true, userMailEveryMinutes: 60, webhookMaxAttempts: 6 });
    expect(service.alerts.rules[0]?.channels).toEqual(['user', 'team', 'webhook']);
  });

  it('stops start-up on a bad value, naming the key', () => {
    expect(() => loadServiceConfig({ LOGINGUARD_SMTP_URL: 'http://mail' })).toThrow(/LOGINGUARD_SMTP_URL/);
    expect(() => loadServiceConfig({ LOGINGUARD_PUBLIC_URL: 'loginguard.example.com' })).toThrow(
      /LOGINGUARD_PUBLIC_URL/,
    );
    expect(() => loadServiceConfig({ LOGINGUARD_LINK_SECRET: 'short' })).toThrow(/LOGINGUARD_LINK_SECRET/);
    expect(() => loadServiceConfig({ LOGINGUARD_ALERT_TEAM_EMAILS: 'soc' })).toThrow(
      /LOGINGUARD_ALERT_TEAM_EMAILS/,
    );
    expect(() => loadServiceConfig({ LOGINGUARD_WEBHOOK_URLS: 'https://hooks.example.com/a' })).toThrow(
      /LOGINGUARD_WEBHOOK_SECRET: is required/,
    );
    const bad = configFile({ alerts: { rules: [{ actions: ['deny'], channels: ['pager'] }] } });
    expect(() => loadServiceConfig({ LOGINGUARD_CONFIG: bad })).toThrow(/alerts\.rules\.0\.channels/);
    const typo = configFile({ alerts: { userMailEveryMinute: 5 } });
    expect(() => loadServiceConfig({ LOGINGUARD_CONFIG: typo })).toThrow(/alerts/);
  });

  it('applies rules by action, level and reason, with per-tenant overrides', () => {
    const file = configFile({
      alerts: {
        rules: [
          { actions: ['deny'], channels: ['user', 'team'] },
          { reasons: ['IMPOSSIBLE_TRAVEL'], channels: ['webhook'] },
          { minLevel: 'critical', channels: ['team'] },
        ],
        tenants: {
          quiet: { disabled: true },
          acme: { rules: [{ actions: ['challenge'], channels: ['team'] }] },
        },
      },
    });
    const { alerts } = loadServiceConfig({ LOGINGUARD_CONFIG: file }).service;
    expect([...alertChannels(a({ action: 'deny' }), undefined, alerts)].sort()).toEqual(['team', 'user']);
    expect([...alertChannels(a({ action: 'challenge' }), undefined, alerts)]).toEqual([]);
    expect([
      ...alertChannels(
        a({ reasons: [{ code: 'IMPOSSIBLE_TRAVEL', score: 0.9, message: '' }] }),
        undefined,
        alerts,
      ),
    ]).toEqual(['webhook']);
    expect([...alertChannels(a({ riskLevel: 'critical' }), undefined, alerts)]).toEqual(['team']);
    expect([...alertChannels(a({ action: 'deny' }), 'quiet', alerts)]).toEqual([]);
    expect([...alertChannels(a({ action: 'challenge' }), 'acme', alerts)]).toEqual(['team']);
    expect([...alertChannels(a({ action: 'deny' }), 'acme', alerts)]).toEqual([]);
    // Monitor-only mode: the login was allowed, but alerts follow what enforcement would have done.
    expect(
      [...alertChannels(a({ action: 'allow', monitor: { action: 'deny' } }), undefined, alerts)].sort(),
    ).toEqual(['team', 'user']);
  });

  it('holds for alerting only what alerts under some rule set, without the event', () => {
    const newDevice = [{ code: 'NEW_DEVICE' as const, score: 0.4, message: '' }];
    const defaults = loadServiceConfig({}).service.alerts;
    // Default rules: challenge, deny, a locked account. A reason alone does not alert.
    expect(mayAlert(a({ reasons: newDevice }), defaults)).toBe(false);
    expect(mayAlert(a({ action: 'challenge', reasons: newDevice }), defaults)).toBe(true);
    expect(mayAlert(a({ accountLocked: true }), defaults)).toBe(true);
    expect(mayAlert(a({ monitor: { action: 'deny' } }), defaults)).toBe(true);
    expect(mayAlert(a({ action: 'deny' }), { ...defaults, enabled: false })).toBe(false);

    const file = configFile({
      alerts: {
        rules: [{ actions: ['deny'], channels: ['team'] }],
        tenants: {
          quiet: { disabled: true, rules: [{ actions: ['allow'], channels: ['team'] }] },
          acme: { rules: [{ reasons: ['NEW_DEVICE'], channels: ['user'] }] },
        },
      },
    });
    const alerts = loadServiceConfig({ LOGINGUARD_CONFIG: file }).service.alerts;
    // Some tenant's own rules alert on it: held, whatever the event's tenant turns out to be.
    expect(mayAlert(a({ reasons: newDevice }), alerts)).toBe(true);
    // A disabled tenant's rules count for nothing.
    expect(mayAlert(a({}), alerts)).toBe(false);

    // Never drops one that alerts: for every combination, a channel for some tenant implies held.
    for (const action of ['allow', 'challenge', 'deny'] as const)
      for (const reasons of [[], newDevice])
        for (const accountLocked of [false, true])
          for (const tenant of [undefined, 'quiet', 'acme', 'other'])
            for (const config of [defaults, alerts]) {
              const x = a({ action, reasons, accountLocked });
              if (alertChannels(x, tenant, config).size > 0) expect(mayAlert(x, config)).toBe(true);
            }
  });
});
