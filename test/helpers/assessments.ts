import type { ReasonCode } from '../../src/detect/reason-codes.js';
import type { Action, Assessment } from '../../src/event/assessment.js';

/** An assessment of a login at `at` (default: alice, allowed, no reason), for store tests. */
export function assessment(
  eventId: string,
  at: number,
  over: { userId?: string; action?: Action; codes?: string[] } = {},
): Assessment {
  const action = over.action ?? 'allow';
  return {
    eventId,
    userId: over.userId ?? 'alice',
    timestamp: new Date(at).toISOString(),
    riskScore: action === 'allow' ? 0.1 : 0.9,
    riskLevel: action === 'allow' ? 'low' : 'high',
    action,
    accountLocked: false,
    reasons: (over.codes ?? []).map((code) => ({
      code: code as ReasonCode,
      score: 0.5,
      message: `${code} happened`,
    })),
    scores: { rules: 0.1 },
    context: { country: 'FR', city: 'Lyon', asn: 3215, network: 'residential', device: { type: 'desktop' } },
  };
}
