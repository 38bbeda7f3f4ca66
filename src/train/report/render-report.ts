import esc from 'escape-html';
import { DETECTOR_TITLES, DETECTORS } from '../evaluate-dataset.js';
import type {
  ConfusionMatrix,
  EvaluationFigures,
  FeatureFigures,
  PopulationFigures,
  ScenarioFigures,
} from './evaluation-figures.js';
import { LOW_FPR_MAX, REPORT_FPR } from './evaluation-figures.js';
import { histogramChartSpec, prChartSpec, renderSvg, rocChartSpec } from './report-charts.js';

/** Features listed in the page (the JSON has them all). */
const FEATURES_SHOWN = 15;

/**
 * The evaluation as one self-contained HTML page: tables for the numbers and charts as inline
 * SVG (rendered here, in Node), no script, no stylesheet or font to fetch, so it opens offline
 * and can be mailed or attached to a ticket as it is.
 */
export async function renderEvaluationReport(f: EvaluationFigures): Promise<string> {
  const pops = [
    ['successful', 'Successful logins', f.populations.successful],
    ['all', 'All events', f.populations.all],
  ] as const;
  const charts = new Map<string, string>();
  for (const [key, name, pop] of pops) {
    charts.set(`${key}-roc`, await renderSvg(rocChartSpec(pop, `ROC — ${name.toLowerCase()}`, false)));
    charts.set(
      `${key}-roc-low`,
      await renderSvg(rocChartSpec(pop, `ROC, FPR ≤ ${pct(LOW_FPR_MAX, 0)} — ${name.toLowerCase()}`, true)),
    );
    charts.set(`${key}-pr`, await renderSvg(prChartSpec(pop, `Precision–recall — ${name.toLowerCase()}`)));
    charts.set(
      `${key}-hist`,
      await renderSvg(histogramChartSpec(pop, `Score distributions — ${name.toLowerCase()}`)),
    );
  }
  const chart = (key: string, caption: string) =>
    `<figure>${charts.get(key) ?? ''}<figcaption>${esc(caption)}</figcaption></figure>`;

  const c = f.counts;
  const t = f.timing;
  const training = trainingLine(f.modelsTraining);
  const body = [
    `<h1>loginguard — detection evaluation</h1>`,
    `<p class="meta">Dataset <code>${esc(f.input)}</code> · models <code>${esc(f.models)}</code>${training ? ` (${esc(training)})` : ''}<br>`,
    `Thresholds: challenge at riskScore ≥ ${num(f.thresholds.challenge)}, deny at ≥ ${num(f.thresholds.deny)} · generated ${esc(f.generatedAt)}</p>`,

    `<h2>Data</h2>`,
    table(
      ['', 'events', 'benign', 'attack'],
      [
        ['All labelled events', int(c.labelled), int(c.benign), int(c.attack)],
        [
          'Successful logins',
          int(c.benignSuccessful + c.attackSuccessful),
          int(c.benignSuccessful),
          int(c.attackSuccessful),
        ],
      ],
      [false, true, true, true],
    ),
    `<p class="note">${int(c.events)} events scored${c.unlabelled ? `, ${int(c.unlabelled)} without a label (scored, not counted)` : ''}${c.badLines ? `, ${int(c.badLines)} bad lines skipped` : ''}. Successful logins are what matters most: the password worked, and only a challenge or a denial stops the attacker.</p>`,

    ...pops.flatMap(([key, name, pop]) => [
      `<h2>${esc(name)}: how well each score separates attacks</h2>`,
      detectorTable(pop),
      `<div class="charts">`,
      chart(
        `${key}-roc`,
        'Flag every login scoring at or above a threshold; each point is one threshold. Dashed: chance.',
      ),
      chart(
        `${key}-roc-low`,
        `The same, near the left edge where a deployment operates; dashed: ${pct(REPORT_FPR, 0)} FPR.`,
      ),
      chart(
        `${key}-pr`,
        'Precision falls as the threshold drops and benign logins get flagged with the attacks.',
      ),
      `</div>`,
    ]),

    `<h2>Per scenario at the configured thresholds</h2>`,
    `<p class="note">Flagged = challenged or denied. “Rules alone” is the action the rules' score (and lockout) gives in the same replay; “ensemble” is the action taken, rules and models together. The benign row is the cost: benign logins flagged (its “added by models” counts false alarms the models add).</p>`,
    scenarioTable(f.scenarios),

    `<h2>Decisions at the configured thresholds</h2>`,
    `<div class="matrices">`,
    confusionTable('Ensemble — successful logins', f.populations.successful.confusion.ensemble),
    confusionTable('Rules alone — successful logins', f.populations.successful.confusion.rules),
    confusionTable('Ensemble — all events', f.populations.all.confusion.ensemble),
    confusionTable('Rules alone — all events', f.populations.all.confusion.rules),
    `</div>`,

    `<h2>Score distributions, benign vs attack</h2>`,
    `<p class="note">Each bar is a share of its own class; the vertical axis is square-root scaled. Model scores are calibrated ranks: a benign login is uniform on 0..1 by construction, an unusual one sits near 1.</p>`,
    chart('successful-hist', 'Successful logins.'),
    chart('all-hist', 'All events.'),

    `<h2>What separates attacks: features</h2>`,
    `<p class="note">For each of the models' features, the mean |z| — the distance from the normal training logins in standard deviations (the autoencoder's standardiser) — of attack and of benign logins. Sorted by the gap on successful logins; the ${FEATURES_SHOWN} largest are shown (all are in the JSON). This describes the data the models see, not the weights inside them.</p>`,
    featureTable(f.features.slice(0, FEATURES_SHOWN)),

    `<h2>Speed</h2>`,
    table(
      ['', 'value'],
      [
        [
          'Replay with models (read, validate, enrich, rules, models, learn)',
          `${int(Math.round(t.eventsPerSecond))} events/s · ${num(t.usPerEvent, 1)} µs/event`,
        ],
        [
          'Inside the models (features, both models, calibration, explanation)',
          `${num(t.modelsUsPerEvent, 1)} µs/event`,
        ],
        ['Isolation Forest alone', `${num(t.isolationForestUsPerRow, 2)} µs per feature vector`],
        ['Autoencoder alone', `${num(t.autoencoderUsPerRow, 2)} µs per feature vector`],
      ],
      [false, true],
    ),
    `<p class="note">${int(t.events)} events in ${num(t.seconds, 1)} s on one thread, including this evaluation's own bookkeeping; each model alone timed on ${int(t.timedRows)} sampled feature vectors of the replay.</p>`,

    `<h2>How to read this</h2>`,
    `<ul class="note">`,
    `<li><b>ROC-AUC</b>: the chance that a random attack scores above a random benign login (ties count half); 0.5 is chance.</li>`,
    `<li><b>PR-AUC</b>: average precision, Σ (Rₖ − Rₖ₋₁)·Pₖ over thresholds; with so few attacks it is the harder figure, and its chance level is the attack share.</li>`,
    `<li><b>Recall at ${pct(REPORT_FPR, 0)} FPR</b>: the most attacks any threshold catches while flagging at most ${pct(REPORT_FPR, 0)} of benign logins. Logins with equal scores are flagged together, never in part.</li>`,
    `<li><b>Scores</b>: rules alone = <code>scores.rules</code> (before lockout and models); Isolation Forest, autoencoder, models combined = calibrated ranks against normal training logins; ensemble = <code>scores.ensemble</code>: rules + ML_ANOMALY (noisy-OR), before the lockout, which sets <code>riskScore</code> to 1 for every attempt on a locked account, the owner's included (a policy, not a score); a small share (<code>models.tieBreakShare</code>, 0.001 by default) goes to the models combined, so that logins the rules score alike are ranked by the models.</li>`,
    `</ul>`,
  ].join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loginguard evaluation — ${esc(f.input)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; margin: 24px auto; max-width: 1160px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 30px 0 8px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; background: #f3f4f6; padding: 1px 4px; border-radius: 3px; }
.meta, .note { color: #4b5563; }
.note { font-size: 13px; max-width: 900px; }
table { border-collapse: collapse; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
td.n, th.n { text-align: right; }
tr.total td { font-weight: 600; border-top: 2px solid #d1d5db; }
tr.benign td { color: #6b7280; }
.charts, .matrices { display: flex; flex-wrap: wrap; gap: 12px 16px; }
figure { margin: 8px 0; max-width: 100%; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #6b7280; max-width: 330px; }
.matrices table caption { text-align: left; font-weight: 600; padding: 4px 0; }
.added { color: #15803d; font-weight: 600; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function trainingLine(training: Record<string, unknown> | null): string {
  if (!training) return '';
  const parts: string[] = [];
  if (typeof training.input === 'string') parts.push(`trained on ${training.input}`);
  if (typeof training.sampled === 'number' && typeof training.events === 'number')
    parts.push(`${int(training.sampled)} normal-looking logins of ${int(training.events)} events`);
  if (typeof training.seed === 'number') parts.push(`seed ${training.seed}`);
  return parts.join(', ');
}

function detectorTable(pop: PopulationFigures): string {
  const rows = DETECTORS.map((d) => {
    const x = pop.detectors[d];
    const at = x.recallAtFpr;
    return [
      DETECTOR_TITLES[d],
      x.rocAuc === null ? '–' : num(x.rocAuc, 4),
      x.prAuc === null ? '–' : num(x.prAuc, 4),
      at ? pct(at.recall) : '–',
      at && at.threshold !== null ? `≥ ${num(at.threshold, 4)} (FPR ${pct(at.fpr, 2)})` : '–',
    ];
  });
  return [
    `<p class="note">${int(pop.attack)} attack and ${int(pop.benign)} benign events.</p>`,
    table(['detector', 'ROC-AUC', 'PR-AUC', `recall at ${pct(REPORT_FPR, 0)} FPR`, 'at threshold'], rows, [
      false,
      true,
      true,
      true,
      true,
    ]),
  ].join('\n');
}

function scenarioTable(scenarios: readonly ScenarioFigures[]): string {
  const attacks = scenarios.filter((s) => s.scenario !== 'benign');
  const sum = (pick: (s: ScenarioFigures) => number) => attacks.reduce((n, s) => n + pick(s), 0);
  const head =
    '<tr><th rowspan="2">scenario</th><th class="n" rowspan="2">events</th><th class="n" rowspan="2">successful</th>' +
    '<th colspan="2">successful flagged</th><th colspan="2">successful denied</th><th class="n" rowspan="2">added by models</th>' +
    '<th colspan="2">all events flagged</th></tr>' +
    '<tr><th class="n">rules alone</th><th class="n">ensemble</th><th class="n">rules alone</th><th class="n">ensemble</th><th class="n">rules alone</th><th class="n">ensemble</th></tr>';
  const row = (s: ScenarioFigures, cls: string) =>
    `<tr class="${cls}"><td>${esc(s.scenario)}</td><td class="n">${int(s.events)}</td><td class="n">${int(s.successes)}</td>` +
    `<td class="n">${share(s.rules.flagged, s.successes)}</td><td class="n">${share(s.ensemble.flagged, s.successes)}</td>` +
    `<td class="n">${share(s.rules.denied, s.successes)}</td><td class="n">${share(s.ensemble.denied, s.successes)}</td>` +
    `<td class="n${s.addedByModels > 0 && cls !== 'benign' ? ' added' : ''}">${s.addedByModels > 0 ? `+${int(s.addedByModels)}` : '0'}</td>` +
    `<td class="n">${share(s.rules.eventsFlagged, s.events)}</td><td class="n">${share(s.ensemble.eventsFlagged, s.events)}</td></tr>`;
  const total: ScenarioFigures = {
    scenario: 'all attacks',
    events: sum((s) => s.events),
    successes: sum((s) => s.successes),
    rules: {
      flagged: sum((s) => s.rules.flagged),
      denied: sum((s) => s.rules.denied),
      eventsFlagged: sum((s) => s.rules.eventsFlagged),
    },
    ensemble: {
      flagged: sum((s) => s.ensemble.flagged),
      denied: sum((s) => s.ensemble.denied),
      eventsFlagged: sum((s) => s.ensemble.eventsFlagged),
    },
    addedByModels: sum((s) => s.addedByModels),
  };
  const benign = scenarios.filter((s) => s.scenario === 'benign');
  return `<table>${head}${attacks.map((s) => row(s, '')).join('')}${row(total, 'total')}${benign.map((s) => row(s, 'benign')).join('')}</table>`;
}

function confusionTable(title: string, m: ConfusionMatrix): string {
  const benign = m.allow.benign + m.challenge.benign + m.deny.benign;
  const attack = m.allow.attack + m.challenge.attack + m.deny.attack;
  const cell = (n: number, d: number) => `${int(n)} <span class="note">(${share(n, d)})</span>`;
  const rows = (['allow', 'challenge', 'deny'] as const)
    .map(
      (a) =>
        `<tr><th>${a}</th><td class="n">${cell(m[a].benign, benign)}</td><td class="n">${cell(m[a].attack, attack)}</td></tr>`,
    )
    .join('');
  return `<table><caption>${esc(title)}</caption><tr><th></th><th class="n">benign</th><th class="n">attack</th></tr>${rows}</table>`;
}

function featureTable(features: readonly FeatureFigures[]): string {
  return table(
    ['feature', 'attack, successful', 'benign, successful', 'attack, all', 'benign, all', 'meaning'],
    features.map((x) => [
      `<code>${esc(x.name)}</code>`,
      num(x.successful.attack, 2),
      num(x.successful.benign, 2),
      num(x.all.attack, 2),
      num(x.all.benign, 2),
      esc(x.meaning),
    ]),
    [false, true, true, true, true, false],
    true,
  );
}

/** A table of plain-text cells, escaped here; with `rawCells`, the cells are HTML the caller escaped. */
function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
  rawCells = false,
): string {
  const cls = (i: number) => (numeric[i] ? ' class="n"' : '');
  const th = head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('');
  const trs = rows
    .map((r) => `<tr>${r.map((cell, i) => `<td${cls(i)}>${rawCells ? cell : esc(cell)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><tr>${th}</tr>${trs}</table>`;
}

function int(n: number): string {
  return n.toLocaleString('en-US');
}

function num(x: number, digits = 2): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

function share(n: number, d: number): string {
  return d === 0 ? '–' : pct(n / d);
}
