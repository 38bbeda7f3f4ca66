import type { ScoringConfig } from '../config/scoring-config.js';
import type { Action, RiskLevel } from '../event/assessment.js';

/** riskScore → level and action, by the configured thresholds. Pure. */
export function decide(
  riskScore: number,
  locked: boolean,
  config: Pick<ScoringConfig, 'policy'>,
): { riskLevel: RiskLevel; action: Action } {
  const p = config.policy;
  if (locked || riskScore >= p.denyThreshold) return { riskLevel: 'critical', action: 'deny' };
  if (riskScore >= p.challengeThreshold) return { riskLevel: 'high', action: 'challenge' };
  if (riskScore >= p.mediumThreshold) return { riskLevel: 'medium', action: 'allow' };
  return { riskLevel: 'low', action: 'allow' };
}
