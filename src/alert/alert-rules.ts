import type { Action, Assessment, RiskLevel } from '../event/assessment.js';
import type { AlertChannel, AlertConfig, AlertRule } from './alert-config.js';

const LEVEL_RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * The channels an assessment should alert on, under the global rules or the tenant's own
 * (`alerts.tenants[tenant].rules` replaces the global list). Empty: no alert. Pure.
 */
export function alertChannels(
  assessment: Assessment,
  tenant: string | undefined,
  config: Pick<AlertConfig, 'enabled' | 'rules' | 'tenants'>,
): Set<AlertChannel> {
  const channels = new Set<AlertChannel>();
  if (!config.enabled) return channels;
  const own = tenant === undefined ? undefined : config.tenants[tenant];
  if (own?.disabled) return channels;
  for (const rule of own?.rules ?? config.rules) {
    if (ruleMatches(rule, assessment)) for (const c of rule.channels) channels.add(c);
  }
  return channels;
}

/** True when the assessment might alert under some rule: lets the engine skip most logins cheaply. */
export function mayAlert(assessment: Assessment): boolean {
  return intendedAction(assessment) !== 'allow' || assessment.accountLocked || assessment.reasons.length > 0;
}

/** What enforcement answered, or would have in monitor-only mode: alerts follow it. */
export function intendedAction(a: Assessment): Action {
  return a.monitor?.action ?? a.action;
}

function ruleMatches(rule: AlertRule, a: Assessment): boolean {
  if (rule.actions?.includes(intendedAction(a))) return true;
  if (rule.minLevel !== undefined && LEVEL_RANK[a.riskLevel] >= LEVEL_RANK[rule.minLevel]) return true;
  if (rule.accountLocked && a.accountLocked) return true;
  return rule.reasons !== undefined && a.reasons.some((r) => rule.reasons?.includes(r.code));
}
