import { describe, expect, it } from 'vitest';
import type { ReasonCode } from '../../src/detect/reason-codes.js';
import type { Action, Assessment } from '../../src/event/assessment.js';
import { type AlertFilter, LATEST_KEPT, summarizeCommitted } from '../../src/worker/committed-batch.js';

function assessment(i: number, action: Action, codes: ReasonCode[]): Assessment {
  return {
    eventId: `e${i}`,
    userId: `u${i}`,
    timestamp: new Date(Date.UTC(2026, 0, 5, 9, 0, i)).toISOString(),
    riskScore: action === 'allow' ? 0.1 : 0.9,
    riskLevel: action === 'allow' ? 'low' : 'high',
    action,
    accountLocked: false,
    reasons: codes.map((code) => ({ code, score: 0.5, message: code })),
    scores: {},
    context: { network: 'residential', device: { type: 'desktop' } },
  };
}

const DEFAULT_RULES: AlertFilter = {
  enabled: true,
  rules: [{ actions: ['challenge', 'deny'], accountLocked: true, channels: ['user', 'team', 'webhook'] }],
  tenants: {},
};

describe('summarizeCommitted', () => {
  // 120 logins: every 10th denied for brute force, every 3rd allowed from a new device.
  const batch = Array.from({ length: 120 }, (_, i) =>
    i % 10 === 0
      ? assessment(i, 'deny', ['BRUTE_FORCE', 'NEW_DEVICE'])
      : assessment(i, 'allow', i % 3 === 0 ? ['NEW_DEVICE'] : []),
  );

  it('counts actions and reasons, keeps the latest for the stream and the alerting ones', () => {
    const s = summarizeCommitted(batch, DEFAULT_RULES);
    expect(s.count).toBe(120);
    expect(s.actions).toEqual({ allow: 108, challenge: 0, deny: 12 });
    // NEW_DEVICE: the 12 denied ones and the allowed multiples of 3 that are not multiples of 10 (36).
    expect(s.reasons).toEqual({ BRUTE_FORCE: 12, NEW_DEVICE: 48 });
    expect(s.latest).toHaveLength(LATEST_KEPT);
    expect(s.latest[0]?.eventId).toBe('e70');
    expect(s.latest.at(-1)?.eventId).toBe('e119');
    expect(s.alerting.map((a) => a.eventId)).toEqual(
      batch.filter((a) => a.action === 'deny').map((a) => a.eventId),
    );
  });

  it('follows the alert rules: a tenant rule on a reason adds those, alerting off sends none', () => {
    const tenantRule: AlertFilter = {
      ...DEFAULT_RULES,
      tenants: { acme: { rules: [{ reasons: ['NEW_DEVICE'], channels: ['team'] }] } },
    };
    expect(summarizeCommitted(batch, tenantRule).alerting).toHaveLength(48);
    const off = summarizeCommitted(batch, { ...DEFAULT_RULES, enabled: false });
    expect(off.alerting).toEqual([]);
    expect(off.count).toBe(120);
  });

  it('keeps a short batch whole', () => {
    const s = summarizeCommitted(batch.slice(0, 3), DEFAULT_RULES);
    expect(s.latest.map((a) => a.eventId)).toEqual(['e0', 'e1', 'e2']);
    expect(s.alerting.map((a) => a.eventId)).toEqual(['e0']);
  });
});
