import { type ReactNode, useMemo, useState } from 'react';
import { Time } from '../components/assessment-badges.js';
import { type ChartOption, EChart } from '../components/echart.js';
import { Status } from '../components/status.js';
import type { DetectorFigures, ModelsView, ScenarioFigures } from '../types.js';
import { useApi } from '../use-api.js';

/** Names for people (src/train/evaluate-dataset.ts `DETECTOR_TITLES`). */
const DETECTOR_TITLES: Record<string, string> = {
  rules: 'Rules alone',
  isolationForest: 'Isolation Forest',
  autoencoder: 'Autoencoder',
  models: 'Models combined',
  ensemble: 'Ensemble (rules + models)',
};
const POPULATIONS = {
  successful: 'successful logins (account takeover that got in)',
  all: 'all events (failures too)',
} as const;
type Population = keyof typeof POPULATIONS;
/** src/train/report/evaluation-figures.ts: the recall is quoted at this FPR; the fine ROC view stops at LOW_FPR_MAX. */
const REPORT_FPR = 0.01;
const LOW_FPR_MAX = 0.05;

/** The anomaly models in use and the latest evaluation: ROC curves per detector, recall per scenario. */
export function ModelsPage(): ReactNode {
  const view = useApi<ModelsView>('/v1/models');
  const v = view.data;
  return (
    <section className="page models">
      <header className="page-head">
        <h1>Models</h1>
      </header>
      <Status loading={view.loading && !v} error={view.error}>
        {v && (
          <>
            <ModelsPanel view={v} />
            {v.evaluation ? (
              <Evaluation evaluation={v.evaluation} />
            ) : (
              <section className="panel no-evaluation">
                <h2>Evaluation</h2>
                {v.evaluationError ? (
                  <p className="state error" role="alert">
                    {v.evaluationFile}: {v.evaluationError}
                  </p>
                ) : (
                  <p className="state empty">No evaluation yet.</p>
                )}
                <p>
                  Evaluate the models on a labelled dataset (for instance one from{' '}
                  <code>loginguard generate</code>) and write the figures where this page reads them:
                </p>
                <pre className="command">{v.howToEvaluate}</pre>
              </section>
            )}
          </>
        )}
      </Status>
    </section>
  );
}

function ModelsPanel({ view }: { view: ModelsView }): ReactNode {
  const m = view.models;
  return (
    <section className="panel" aria-label="models in use">
      <h2>In use</h2>
      {!view.loaded ? (
        <p className="state empty">
          No anomaly model is loaded: logins are scored by the rules alone. Train models with{' '}
          <code>loginguard train --input history.jsonl --out &lt;data dir&gt;/models</code> and restart.
        </p>
      ) : (
        <table className="grid settings-table">
          <tbody>
            <tr>
              <th scope="row">directory</th>
              <td>
                <code>{m?.dir ?? '—'}</code>
              </td>
            </tr>
            <tr>
              <th scope="row">saved</th>
              <td>{m?.savedAt ? <Time at={m.savedAt} /> : '—'}</td>
            </tr>
            <tr>
              <th scope="row">format</th>
              <td>
                {m?.tag ?? '—'} v{m?.version ?? '?'}, feature schema {m?.featureSchemaVersion ?? '?'},{' '}
                {m?.features.length ?? 0} features
              </td>
            </tr>
            {Object.entries(m?.training ?? {}).map(([k, value]) => (
              <tr key={k} data-setting={k}>
                <th scope="row">training {k}</th>
                <td>{typeof value === 'number' ? value.toLocaleString('en-US') : String(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Evaluation({ evaluation }: { evaluation: NonNullable<ModelsView['evaluation']> }): ReactNode {
  const [population, setPopulation] = useState<Population>('successful');
  const figures = evaluation.populations[population];
  const detectors = Object.entries(figures.detectors);
  const [lowFpr, setLowFpr] = useState(true);
  const option = useMemo(() => rocOption(figures.detectors, lowFpr), [figures, lowFpr]);
  return (
    <>
      <section className="panel" aria-label="evaluation">
        <h2>
          Evaluation{' '}
          <span className="muted small">
            <Time at={evaluation.generatedAt} /> · {evaluation.input} · thresholds challenge{' '}
            {evaluation.thresholds.challenge}, deny {evaluation.thresholds.deny}
          </span>
        </h2>
        <div className="toolbar">
          <label>
            population{' '}
            <select
              aria-label="population"
              value={population}
              onChange={(e) => setPopulation(e.target.value as Population)}
            >
              {Object.entries(POPULATIONS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={lowFpr} onChange={(e) => setLowFpr(e.target.checked)} /> up to 5%
            false positives only
          </label>
          <span className="muted small">
            {figures.benign.toLocaleString('en-US')} benign, {figures.attack.toLocaleString('en-US')} attack
          </span>
        </div>
        <EChart option={option} height={380} label="ROC curves per detector" />
        <DetectorTable detectors={detectors} />
      </section>
      <ScenarioTable scenarios={evaluation.scenarios} />
    </>
  );
}

/** ROC curves, one line per detector, and the diagonal of a coin toss. */
function rocOption(detectors: Record<string, DetectorFigures>, lowFpr: boolean): ChartOption {
  // Detectors worth running differ below a few % of false positives; the full curve hugs the corner.
  const xMax = lowFpr ? LOW_FPR_MAX : 1;
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: '#dfe5ec' } },
    grid: { left: 50, right: 20, top: 60, bottom: 44 },
    xAxis: {
      type: 'value',
      min: 0,
      max: xMax,
      name: 'false-positive rate',
      nameLocation: 'middle',
      nameGap: 28,
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: 'recall (true-positive rate)',
      nameLocation: 'middle',
      nameGap: 36,
    },
    series: [
      ...Object.entries(detectors).map(([name, d]) => ({
        name: `${DETECTOR_TITLES[name] ?? name} (AUC ${fmt(d.rocAuc, 3)})`,
        type: 'line',
        showSymbol: false,
        data: (lowFpr ? d.rocLowFpr : d.roc).map((p) => [p.x, p.y]),
      })),
      {
        name: 'chance',
        type: 'line',
        showSymbol: false,
        lineStyle: { type: 'dashed', color: '#555' },
        itemStyle: { color: '#555' },
        data: [
          [0, 0],
          [xMax, xMax],
        ],
      },
    ],
  };
}

function DetectorTable({ detectors }: { detectors: [string, DetectorFigures][] }): ReactNode {
  return (
    <table className="grid detectors">
      <thead>
        <tr>
          <th>detector</th>
          <th>ROC AUC</th>
          <th>PR AUC</th>
          <th>recall with ≤ {fmtPct(REPORT_FPR)} false positives</th>
          <th>at score ≥</th>
          <th>false positives there</th>
        </tr>
      </thead>
      <tbody>
        {detectors.map(([name, d]) => (
          <tr key={name} data-detector={name}>
            <td>{DETECTOR_TITLES[name] ?? name}</td>
            <td>{fmt(d.rocAuc, 3)}</td>
            <td>{fmt(d.prAuc, 3)}</td>
            <td>{d.recallAtFpr ? fmtPct(d.recallAtFpr.recall) : '—'}</td>
            <td>{fmt(d.recallAtFpr?.threshold ?? null, 3)}</td>
            <td>{d.recallAtFpr ? fmtPct(d.recallAtFpr.fpr) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Recall per attack scenario at the configured thresholds; the `benign` row's "recall" is the false-alarm rate. */
function ScenarioTable({ scenarios }: { scenarios: ScenarioFigures[] }): ReactNode {
  const rate = (n: number, of: number) => (of > 0 ? fmtPct(n / of) : '—');
  return (
    <section className="panel" aria-label="recall by scenario">
      <h2>
        Recall by scenario{' '}
        <span className="muted small">
          successful logins flagged (challenged or denied) at the configured thresholds; for benign, the false
          alarms
        </span>
      </h2>
      <table className="grid scenarios">
        <thead>
          <tr>
            <th>scenario</th>
            <th>events</th>
            <th>successful logins</th>
            <th>rules alone</th>
            <th>rules + models</th>
            <th>denied</th>
            <th>added by the models</th>
          </tr>
        </thead>
        <tbody>
          {scenarios.map((s) => (
            <tr
              key={s.scenario}
              data-scenario={s.scenario}
              className={s.scenario === 'benign' ? 'benign' : ''}
            >
              <td>{s.scenario}</td>
              <td>{s.events.toLocaleString('en-US')}</td>
              <td>{s.successes.toLocaleString('en-US')}</td>
              <td>{rate(s.rules.flagged, s.successes)}</td>
              <td>{rate(s.ensemble.flagged, s.successes)}</td>
              <td>{rate(s.ensemble.denied, s.successes)}</td>
              <td>{s.addedByModels.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function fmt(x: number | null, digits: number): string {
  return x === null ? '—' : x.toFixed(digits);
}

function fmtPct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}
