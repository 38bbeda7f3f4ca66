import { DETECTOR_TITLES, DETECTORS } from '../evaluate-dataset.js';
import { type EvaluationFigures, type PopulationFigures, REPORT_FPR } from './evaluation-figures.js';

/** The headline figures as plain text, as `loginguard evaluate` prints them. */
export function formatEvaluation(f: EvaluationFigures): string {
  const t = f.timing;
  const lines = [
    `${int(t.events)} events in ${t.seconds.toFixed(1)} s with models (${int(Math.round(t.eventsPerSecond))} events/s, ` +
      `${t.usPerEvent.toFixed(1)} µs/event, of which models ${t.modelsUsPerEvent.toFixed(1)} µs); ` +
      `${int(f.counts.attackSuccessful)} successful attacker logins, ${int(f.counts.attack)} attack events`,
  ];
  const populations: [string, PopulationFigures][] = [
    ['successful logins', f.populations.successful],
    ['all events', f.populations.all],
  ];
  for (const [name, pop] of populations) {
    lines.push('');
    lines.push(`${name.padEnd(28)} ROC-AUC   PR-AUC   recall@${(REPORT_FPR * 100).toFixed(0)}%FPR`);
    for (const d of DETECTORS) {
      const x = pop.detectors[d];
      lines.push(
        `  ${DETECTOR_TITLES[d].padEnd(26)} ${fixed(x.rocAuc).padStart(7)}  ${fixed(x.prAuc).padStart(7)}  ${
          x.recallAtFpr ? pct(x.recallAtFpr.recall).padStart(13) : '-'.padStart(13)
        }`,
      );
    }
  }
  const attacks = f.scenarios.filter((s) => s.scenario !== 'benign');
  const benign = f.scenarios.find((s) => s.scenario === 'benign');
  const sum = (pick: (s: (typeof attacks)[number]) => number) => attacks.reduce((n, s) => n + pick(s), 0);
  const successes = sum((s) => s.successes);
  const conf = f.populations.successful.confusion;
  const benignFlagged = (m: typeof conf.rules) => m.challenge.benign + m.deny.benign;
  const benignSucc = f.counts.benignSuccessful;
  lines.push('');
  lines.push(
    `at the configured thresholds, successful attacker logins flagged: rules alone ${share(
      sum((s) => s.rules.flagged),
      successes,
    )}, ` +
      `ensemble ${share(
        sum((s) => s.ensemble.flagged),
        successes,
      )} (+${sum((s) => s.addedByModels)} by the models); ` +
      `benign successful logins flagged: rules alone ${share(benignFlagged(conf.rules), benignSucc)}, ensemble ${share(benignFlagged(conf.ensemble), benignSucc)}` +
      (benign ? `; benign events flagged: ${share(benign.ensemble.eventsFlagged, benign.events)}` : ''),
  );
  return lines.join('\n');
}

function int(n: number): string {
  return n.toLocaleString('en-US');
}

function fixed(x: number | null): string {
  return x === null ? '-' : x.toFixed(4);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function share(n: number, d: number): string {
  return d === 0 ? '-' : `${n}/${d} (${pct(n / d)})`;
}
