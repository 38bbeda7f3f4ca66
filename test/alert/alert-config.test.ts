import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertChannels } from '../../src/alert/alert-rules.js';
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
});
