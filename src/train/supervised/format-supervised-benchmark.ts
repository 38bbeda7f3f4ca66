import type { DatasetSummary, SupervisedBenchmark } from '../benchmark-supervised.js';
import type { RankingMetrics } from './ranking-metrics.js';

/**
 * The benchmark as plain-text tables, as `loginguard benchmark` prints them: how each model was
 * trained, then per test file the ranking metrics on all events and on successful logins, and
 * the share of each scenario's successful logins flagged at 1% FPR.
 */
export function formatSupervisedBenchmark(b: SupervisedBenchmark): string {
  const out: string[] = [];
  out.push(`train: ${describe(b.train)}`);
  const nameWidth = Math.max(20, ...b.scorers.map((s) => s.name.length + 2));
  for (const s of b.scorers) {
    if (!s.fit) continue;
    out.push(
      `  ${s.name.padEnd(nameWidth)}${fmtInt(s.fit.rows)} rows (${fmtInt(s.fit.attacks)} attacks), ${s.fit.balancing}; fit ${s.fit.seconds.toFixed(1)} s`,
    );
  }
  b.tests.forEach((test, t) => {
    out.push('', `test: ${describe(test)}`, '');
    out.push(
      `${''.padEnd(nameWidth)}${'──────── all events ────────'.padStart(34)}  ${'──── successful logins ─────'.padStart(34)}`,
      `${'model'.padEnd(nameWidth)}${row(HEADINGS)}  ${row(HEADINGS)}${'fit s'.padStart(8)}${'µs/event'.padStart(10)}`,
    );
    for (const s of b.scorers) {
      const e = s.evaluations[t];
      if (!e) continue;
      out.push(
        `${s.name.padEnd(nameWidth)}${row(metricCells(e.all))}  ${row(metricCells(e.successes))}` +
          `${(s.fit ? s.fit.seconds.toFixed(1) : '–').padStart(8)}${fmtMicros(e.microsPerEvent).padStart(10)}`,
      );
    }
    const scenarios = Object.keys(b.scorers[0]?.evaluations[t]?.successRecallByScenario ?? {}).filter(
      (name) => b.scorers.some((s) => s.evaluations[t]?.successRecallByScenario[name] != null),
    );
    if (scenarios.length > 0) {
      out.push('', 'successful attacker logins flagged at 1% FPR (on successful logins), per scenario:');
      const width = Math.max(9, ...b.scorers.map((s) => s.name.length)) + 2;
      const scenarioWidth = Math.max(22, ...scenarios.map((n) => n.length + 2));
      out.push(
        `${'scenario'.padEnd(scenarioWidth)}${'n'.padStart(5)}${b.scorers.map((s) => s.name.padStart(width)).join('')}`,
      );
      for (const name of scenarios) {
        const n = test.attackSuccessesByScenario[name] ?? 0;
        out.push(
          `${name.padEnd(scenarioWidth)}${String(n).padStart(5)}${b.scorers
            .map((s) => fmtPct(s.evaluations[t]?.successRecallByScenario[name] ?? null).padStart(width))
            .join('')}`,
        );
      }
    }
  });
  out.push(
    '',
    'R@1%FPR, R@0.1%: share of attacks flagged at the threshold that flags 1% (0.1%) of benign events. PR-AUC: average precision.',
    'µs/event: supervised models and the anomaly ensemble: the model alone; rules and rules_plus_ml: the whole replay.',
  );
  return `${out.join('\n')}\n`;
}

function describe(d: DatasetSummary): string {
  const unlabelled = d.events - d.labelled;
  return (
    `${d.file}: ${fmtInt(d.labelled)} labelled events${unlabelled > 0 ? ` (+${fmtInt(unlabelled)} unlabelled)` : ''}, ` +
    `${fmtInt(d.attacks)} attacks; ${fmtInt(d.successes)} successful logins, ${fmtInt(d.attackSuccesses)} of them attackers'; ` +
    `features ${d.replaySeconds.toFixed(1)} s`
  );
}

const HEADINGS = ['ROC-AUC', 'PR-AUC', 'R@1%FPR', 'R@0.1%'];

function metricCells(m: RankingMetrics): string[] {
  return [fmt4(m.rocAuc), fmt4(m.prAuc), fmtPct(m.recallAt1PctFpr), fmtPct(m.recallAtFpr['0.001'] ?? null)];
}

function row(cells: string[]): string {
  return cells.map((c, i) => c.padStart(i === 0 ? 10 : 8)).join('');
}

function fmt4(x: number | null): string {
  return x === null ? '–' : x.toFixed(4);
}

function fmtPct(x: number | null): string {
  return x === null ? '–' : `${(100 * x).toFixed(1)}%`;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

function fmtMicros(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
