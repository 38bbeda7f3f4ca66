import type { Assessment } from '../event/assessment.js';

/** Detection figures for labelled data: per scenario, and the cost on benign logins. */
export interface ScenarioStats {
  events: number;
  /** Attempts that succeeded (the password worked): the logins that matter. */
  successes: number;
  successesFlagged: number;
  successesDenied: number;
  eventsFlagged: number;
}

export interface DetectionMetrics {
  events: number;
  actions: Record<string, number>;
  reasons: Record<string, number>;
  /** Present when events carried a `label`. */
  labelled?: {
    scenarios: Record<string, ScenarioStats>;
    benign: {
      events: number;
      challenged: number;
      denied: number;
      successes: number;
      successesNotAllowed: number;
    };
  };
}

const BENIGN = 'benign';

/** Accumulates actions, reasons and, for labelled events, detection per scenario. */
export class DetectionTally {
  private events = 0;
  private readonly actions: Record<string, number> = { allow: 0, challenge: 0, deny: 0 };
  private readonly reasons: Record<string, number> = {};
  private readonly scenarios: Record<string, ScenarioStats> = {};
  private readonly benign = { events: 0, challenged: 0, denied: 0, successes: 0, successesNotAllowed: 0 };
  private labelled = false;

  add(assessment: Assessment, success: boolean, label: unknown): void {
    this.events++;
    this.actions[assessment.action] = (this.actions[assessment.action] ?? 0) + 1;
    for (const r of assessment.reasons) this.reasons[r.code] = (this.reasons[r.code] ?? 0) + 1;
    if (typeof label !== 'string' || label === '') return;
    this.labelled = true;
    const flagged = assessment.action !== 'allow';
    if (label === BENIGN) {
      const b = this.benign;
      b.events++;
      if (assessment.action === 'challenge') b.challenged++;
      if (assessment.action === 'deny') b.denied++;
      if (success) {
        b.successes++;
        if (flagged) b.successesNotAllowed++;
      }
      return;
    }
    let s = this.scenarios[label];
    if (!s) {
      s = { events: 0, successes: 0, successesFlagged: 0, successesDenied: 0, eventsFlagged: 0 };
      this.scenarios[label] = s;
    }
    s.events++;
    if (flagged) s.eventsFlagged++;
    if (success) {
      s.successes++;
      if (flagged) s.successesFlagged++;
      if (assessment.action === 'deny') s.successesDenied++;
    }
  }

  result(): DetectionMetrics {
    return {
      events: this.events,
      actions: { ...this.actions },
      reasons: { ...this.reasons },
      ...(this.labelled
        ? { labelled: { scenarios: structuredClone(this.scenarios), benign: { ...this.benign } } }
        : {}),
    };
  }
}

/** The metrics of two disjoint sets of events (e.g. two replay threads) as one. */
export function mergeMetrics(a: DetectionMetrics, b: DetectionMetrics): DetectionMetrics {
  const sum = (x: Record<string, number>, y: Record<string, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const merged: DetectionMetrics = {
    events: a.events + b.events,
    actions: sum(a.actions, b.actions),
    reasons: sum(a.reasons, b.reasons),
  };
  if (a.labelled || b.labelled) {
    const la = a.labelled ?? { scenarios: {}, benign: emptyBenign() };
    const lb = b.labelled ?? { scenarios: {}, benign: emptyBenign() };
    const scenarios: Record<string, ScenarioStats> = {};
    for (const name of new Set([...Object.keys(la.scenarios), ...Object.keys(lb.scenarios)])) {
      scenarios[name] = sum(
        (la.scenarios[name] ?? {}) as unknown as Record<string, number>,
        (lb.scenarios[name] ?? {}) as unknown as Record<string, number>,
      ) as unknown as ScenarioStats;
    }
    merged.labelled = { scenarios, benign: sum(la.benign, lb.benign) as unknown as typeof la.benign };
  }
  return merged;
}

function emptyBenign(): NonNullable<DetectionMetrics['labelled']>['benign'] {
  return { events: 0, challenged: 0, denied: 0, successes: 0, successesNotAllowed: 0 };
}

/** Plain-text report of the metrics, as `replay` prints it. */
export function formatMetrics(m: DetectionMetrics, seconds: number): string {
  const lines: string[] = [];
  const rate = seconds > 0 ? Math.round(m.events / seconds) : 0;
  lines.push(
    `${m.events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s (${rate.toLocaleString('en-US')} events/s)`,
  );
  lines.push(
    `actions: allow ${m.actions.allow ?? 0}, challenge ${m.actions.challenge ?? 0}, deny ${m.actions.deny ?? 0}`,
  );
  const top = Object.entries(m.reasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8);
  if (top.length) lines.push(`top reasons: ${top.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  if (m.labelled) {
    const { scenarios, benign } = m.labelled;
    lines.push('');
    lines.push('scenario                 events  successes  flagged(success)  denied(success)  flagged(all)');
    let succ = 0;
    let flagged = 0;
    for (const [name, s] of Object.entries(scenarios).sort()) {
      succ += s.successes;
      flagged += s.successesFlagged;
      lines.push(
        `${name.padEnd(24)} ${String(s.events).padStart(6)}  ${String(s.successes).padStart(9)}  ${share(s.successesFlagged, s.successes).padStart(16)}  ${share(s.successesDenied, s.successes).padStart(15)}  ${share(s.eventsFlagged, s.events).padStart(12)}`,
      );
    }
    lines.push(
      `${'all attacks'.padEnd(24)} ${''.padStart(6)}  ${String(succ).padStart(9)}  ${share(flagged, succ).padStart(16)}`,
    );
    lines.push(
      `benign: ${benign.events} events; challenged ${share(benign.challenged, benign.events)}, denied ${share(benign.denied, benign.events)}; successful logins not allowed ${share(benign.successesNotAllowed, benign.successes)}`,
    );
  }
  return lines.join('\n');
}

function share(n: number, d: number): string {
  return d === 0 ? '-' : `${((100 * n) / d).toFixed(2)}%`;
}
