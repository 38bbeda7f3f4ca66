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

/**
 * True when the assessment alerts under the global rules or under some tenant's own: whatever the
 * event's tenant, `alertChannels` can be non-empty only then. Decided without the event, so the
 * engine holds and looks up only these. (It used to keep every assessment with a reason: twice as
 * many under the default rules, most of them allowed logins from a new device or network.)
 */
export function mayAlert(
  assessment: Assessment,
  config: Pick<AlertConfig, 'enabled' | 'rules' | 'tenants'>,
): boolean {
  if (!config.enabled) return false;
  if (anyAlerts(config.rules, assessment)) return true;
  for (const tenant in config.tenants) {
    const own = config.tenants[tenant];
    if (own && !own.disabled && own.rules && anyAlerts(own.rules, assessment)) return true;
  }
  return false;
}

/** Some rule of the list notifies a channel for this assessment. (Runs for every assessment scored.) */
function anyAlerts(rules: readonly AlertRule[], assessment: Assessment): boolean {
  for (const rule of rules) if (rule.channels.length > 0 && ruleMatches(rule, assessment)) return true;
  return false;
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
