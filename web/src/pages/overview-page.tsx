import { type ReactNode, useMemo, useState } from 'react';
import { query } from '../api-client.js';
import { AssessmentTable } from '../components/assessment-table.js';
import { type ChartOption, EChart } from '../components/echart.js';
import { Status } from '../components/status.js';
import type { Latency, Stats } from '../types.js';
import { useApi } from '../use-api.js';
import { useLiveAssessments } from '../use-live-assessments.js';

const RANGES = {
  '24h': { ms: 86_400_000, bucket: '15m' },
  '7d': { ms: 7 * 86_400_000, bucket: '1h' },
  '30d': { ms: 30 * 86_400_000, bucket: '1d' },
} as const;
type RangeName = keyof typeof RANGES;

const ACTION_COLOURS = { allow: '#3fb27f', challenge: '#e0a526', deny: '#e5484d' };
const LEVEL_COLOURS = { low: '#4c8dd6', medium: '#e0a526', high: '#f07c35', critical: '#e5484d' };

/** Live overview: counts by action and level over time, top reasons, queue and latency, the live feed. */
export function OverviewPage(): ReactNode {
  const [range, setRange] = useState<RangeName>('7d');
  // The window ends at the next whole minute, so that a refresh every 10 s asks the same URL shape.
  const to = Math.ceil(Date.now() / 60_000) * 60_000;
  const path = `/v1/stats${query({ from: to - RANGES[range].ms, to, bucket: RANGES[range].bucket })}`;
  const stats = useApi<Stats>(path, 10_000);
  const live = useLiveAssessments();

  return (
    <section className="page overview">
      <header className="page-head">
        <h1>Overview</h1>
        <fieldset className="toolbar" aria-label="time range">
          {(Object.keys(RANGES) as RangeName[]).map((r) => (
            <button key={r} type="button" className={r === range ? 'on' : ''} onClick={() => setRange(r)}>
              last {r}
            </button>
          ))}
        </fieldset>
      </header>
      <Status loading={stats.loading && !stats.data} error={stats.error}>
        {stats.data && <StatsPanels stats={stats.data} />}
      </Status>
      <section className="panel">
        <h2>
          Live assessments{' '}
          <span
            className={`dot ${live.connected ? 'on' : 'off'}`}
            title={live.connected ? 'connected' : 'disconnected'}
          />
          <span className="muted small">
            {live.connected ? 'streaming' : 'connecting…'} · {live.received} received since this page opened
          </span>
        </h2>
        <Status empty={live.items.length === 0} emptyText="Waiting for new logins to be scored…">
          <div className="live-feed">
            <AssessmentTable items={live.items} />
          </div>
        </Status>
      </section>
    </section>
  );
}

function StatsPanels({ stats }: { stats: Stats }): ReactNode {
  const times = stats.buckets.map((b) => b.t);
  const byAction: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value' },
      series: (['allow', 'challenge', 'deny'] as const).map((a) => ({
        name: a,
        type: 'bar',
        stack: 'action',
        color: ACTION_COLOURS[a],
        data: stats.buckets.map((b) => [b.t, b[a]]),
      })),
    }),
    [stats],
  );
  const byLevel: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'time' },
      yAxis: { type: 'log', min: 1 },
      series: (['low', 'medium', 'high', 'critical'] as const).map((l) => ({
        name: l,
        type: 'line',
        showSymbol: false,
        color: LEVEL_COLOURS[l],
        data: stats.buckets.map((b) => [b.t, b[l] || null]),
      })),
    }),
    [stats],
  );
  const reasons = stats.topReasons.slice(0, 10);
  const maxReason = reasons[0]?.count ?? 1;
  return (
    <>
      <div className="cards">
        <Card label="assessments" value={stats.totals.total} />
        <Card label="allowed" value={stats.totals.allow} kind="allow" />
        <Card label="challenged" value={stats.totals.challenge} kind="challenge" />
        <Card label="denied" value={stats.totals.deny} kind="deny" />
        <Card label="queue depth" value={stats.queue.ready + stats.queue.leased} />
        <Card label="failed events" value={stats.queue.failed} />
        <Card label="assess latency" value={latencyText(stats.latency.assess)} />
        <Card label="worker batch" value={latencyText(stats.latency.workerBatch)} />
      </div>
      <Status empty={times.length === 0} emptyText="No assessment in this time range.">
        <div className="two">
          <section className="panel">
            <h2>By action</h2>
            <EChart option={byAction} label="assessments by action over time" />
          </section>
          <section className="panel">
            <h2>By risk level</h2>
            <EChart option={byLevel} label="assessments by risk level over time" />
          </section>
        </div>
        <section className="panel">
          <h2>Top reasons</h2>
          <ul className="bars">
            {reasons.map((r) => (
              <li key={r.code}>
                <span className="reason">{r.code}</span>
                <span className="bar" style={{ width: `${(r.count / maxReason) * 100}%` }} />
                <span className="num">{r.count.toLocaleString()}</span>
              </li>
            ))}
          </ul>
        </section>
      </Status>
    </>
  );
}

function Card({ label, value, kind }: { label: string; value: number | string; kind?: string }): ReactNode {
  return (
    <div className={`card ${kind ?? ''}`}>
      <div className="value">{typeof value === 'number' ? value.toLocaleString() : value}</div>
      <div className="label">{label}</div>
    </div>
  );
}

function latencyText(l: Latency): string {
  if (l.meanMs === null) return '—';
  return `${l.meanMs.toFixed(1)} ms${l.p95MsAtMost !== null ? ` (p95 ≤ ${l.p95MsAtMost} ms)` : ''}`;
}
