import type { AlertConfig } from '../alert/alert-config.js';
import { mayAlert } from '../alert/alert-rules.js';
import type { Action, Assessment } from '../event/assessment.js';

/** The live stream shows this many of a batch (the latest); the count says how many there were. */
export const LATEST_KEPT = 50;

/** What alerting needs of the config to tell which assessments may alert. */
export type AlertFilter = Pick<AlertConfig, 'enabled' | 'rules' | 'tenants'>;

/**
 * A committed batch of assessments as the service's listeners read it: counts for the metrics,
 * the latest few for the live stream, and those that may alert. Why not the assessments
 * themselves: the scoring thread posts one batch per committed slice, and copying every
 * assessment to the main thread (structured clone, ~2.6 µs each to send and more to receive) cost
 * both busy threads a few percent at full load, for listeners that read a fraction of them.
 */
export interface CommittedBatch {
  count: number;
  actions: Record<Action, number>;
  /** Reason code → assessments giving it. */
  reasons: Record<string, number>;
  /** The last ≤ {@link LATEST_KEPT} of the batch, oldest first. */
  latest: Assessment[];
  /** Those some alert rule matches (`mayAlert`), in commit order. */
  alerting: Assessment[];
}

/** Sums up `assessments` (in commit order) for the listeners. */
export function summarizeCommitted(assessments: readonly Assessment[], alerts: AlertFilter): CommittedBatch {
  const actions: Record<Action, number> = { allow: 0, challenge: 0, deny: 0 };
  const reasons: Record<string, number> = {};
  const alerting: Assessment[] = [];
  for (const a of assessments) {
    actions[a.action]++;
    for (const r of a.reasons) reasons[r.code] = (reasons[r.code] ?? 0) + 1;
    if (mayAlert(a, alerts)) alerting.push(a);
  }
  return {
    count: assessments.length,
    actions,
    reasons,
    latest: assessments.slice(-LATEST_KEPT),
    alerting,
  };
}
