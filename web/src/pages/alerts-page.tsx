import { type ReactNode, useMemo, useState } from 'react';
import { api, query } from '../api-client.js';
import { Time } from '../components/assessment-badges.js';
import { Status } from '../components/status.js';
import type { Alert, AlertStatus, Page } from '../types.js';
import { useApi } from '../use-api.js';
import { hrefOf } from '../use-hash-route.js';

/** One incident: the alerts of one user and kind on this page, newest first. */
interface Incident {
  key: string;
  userId: string;
  kind: string;
  alerts: Alert[];
}

/**
 * Alerts, newest first, filtered by the server (status, level, reason, user, IP, time), grouped into incidents (same
 * user and kind), with triage actions that call the API and land in the audit log.
 */
export function AlertsPage({ canAdmin }: { canAdmin: boolean }): ReactNode {
  const [status, setStatus] = useState<AlertStatus | ''>('open');
  const [userId, setUserId] = useState('');
  const [since, setSince] = useState('');
  const [severity, setSeverity] = useState('');
  const [reason, setReason] = useState('');
  const [ip, setIp] = useState('');
  const [applied, setApplied] = useState({ userId: '', since: '', ip: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const from = applied.since ? Date.parse(applied.since) : undefined;
  const list = useApi<Page<Alert>>(
    `/v1/alerts${query({
      status,
      severity,
      reason,
      ip: applied.ip,
      userId: applied.userId,
      from,
      limit: 200,
      cursor: cursors[cursors.length - 1],
    })}`,
  );
  const incidents = useMemo(() => groupIncidents(list.data?.items ?? []), [list.data]);

  return (
    <section className="page alerts">
      <header className="page-head">
        <h1>Alerts</h1>
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setCursors([]);
            setApplied({ userId: userId.trim(), since, ip: ip.trim() });
          }}
        >
          <select
            aria-label="status"
            value={status}
            onChange={(e) => {
              setCursors([]);
              setStatus(e.target.value as AlertStatus | '');
            }}
          >
            <option value="open">open</option>
            <option value="acknowledged">acknowledged</option>
            <option value="resolved">resolved</option>
            <option value="">any status</option>
          </select>
          <select
            aria-label="level"
            value={severity}
            onChange={(e) => {
              setCursors([]);
              setSeverity(e.target.value);
            }}
          >
            <option value="">any level</option>
            <option value="critical">critical</option>
            <option value="high">high</option>
            <option value="medium">medium</option>
            <option value="low">low</option>
          </select>
          <select
            aria-label="reason"
            value={reason}
            onChange={(e) => {
              setCursors([]);
              setReason(e.target.value);
            }}
          >
            <option value="">any reason</option>
            {ALERT_REASONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <input
            aria-label="user"
            placeholder="user id"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
          />
          <input
            aria-label="ip"
            placeholder="IP address"
            value={ip}
            onChange={(e) => setIp(e.target.value)}
          />
          <input
            aria-label="since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
          <button type="submit">Filter</button>
        </form>
      </header>
      <Status
        loading={list.loading && !list.data}
        error={list.error}
        empty={incidents.length === 0}
        emptyText="No alert matches."
      >
        {incidents.map((incident) => (
          <IncidentPanel key={incident.key} incident={incident} canAdmin={canAdmin} onChanged={list.reload} />
        ))}
        <div className="pager">
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
            newest
          </button>
          <button
            type="button"
            disabled={!list.data?.nextCursor}
            onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}
          >
            older
          </button>
        </div>
      </Status>
    </section>
  );
}

/** The reason codes an alert's evidence can name (docs/detectors.md). */
const ALERT_REASONS = [
  'ACCOUNT_LOCKED',
  'BRUTE_FORCE',
  'PASSWORD_SPRAY',
  'CREDENTIAL_STUFFING',
  'IMPOSSIBLE_TRAVEL',
  'NEW_DEVICE',
  'NEW_COUNTRY',
  'NEW_NETWORK',
  'UNFAMILIAR_LOCATION',
  'UNUSUAL_HOUR',
  'ANONYMIZING_NETWORK',
  'HOSTING_NETWORK',
  'AUTOMATED_CLIENT',
  'LOW_BEHAVIORAL_SCORE',
  'REPORTED_FAILED_ATTEMPTS',
  'ML_ANOMALY',
] as const;

function groupIncidents(alerts: Alert[]): Incident[] {
  const byKey = new Map<string, Incident>();
  for (const a of alerts) {
    const key = `${a.userId}\u0000${a.kind}`;
    const incident = byKey.get(key) ?? { key, userId: a.userId, kind: a.kind, alerts: [] };
    incident.alerts.push(a);
    byKey.set(key, incident);
  }
  return [...byKey.values()];
}

function IncidentPanel(props: { incident: Incident; canAdmin: boolean; onChanged: () => void }): ReactNode {
  const { incident, canAdmin } = props;
  const latest = incident.alerts[0];
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<Error>();
  if (!latest) return null;
  const act = async (label: string, calls: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await calls();
      setMessage(label);
      props.onChanged();
    } catch (e) {
      setError(e as Error);
    }
  };
  const setAll = (status: AlertStatus) =>
    Promise.all(
      incident.alerts.map((a) =>
        api(`/v1/alerts/${encodeURIComponent(a.id)}/status`, { method: 'POST', body: { status } }),
      ),
    );
  const feedback = (verdict: 'attack' | 'legitimate') =>
    api(`/v1/assessments/${encodeURIComponent(latest.eventId)}/feedback`, {
      method: 'POST',
      body: { verdict },
    });
  return (
    <section className={`panel incident severity-${latest.severity}`} data-incident={incident.kind}>
      <h2>
        <span className={`badge level-${latest.severity}`}>{latest.severity}</span>
        <code>{incident.kind}</code>
        <a className="user" href={hrefOf('users', incident.userId)}>
          {incident.userId}
        </a>
        <span className="muted small">
          {incident.alerts.length} alert{incident.alerts.length > 1 ? 's' : ''}, latest{' '}
          <Time at={latest.createdAt} />
        </span>
      </h2>
      <table className="grid">
        <tbody>
          {incident.alerts.slice(0, 5).map((a) => (
            <tr key={a.id}>
              <td>
                <Time at={a.createdAt} />
              </td>
              <td>{a.status}</td>
              <td>
                <code>{a.eventId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button
          type="button"
          disabled={!canAdmin}
          onClick={() => void act('Confirmed as an attack.', () => feedback('attack'))}
        >
          Confirm attack
        </button>
        <button
          type="button"
          disabled={!canAdmin}
          onClick={() => void act('Marked legitimate.', () => feedback('legitimate'))}
        >
          Mark legitimate
        </button>
        <button
          type="button"
          disabled={!canAdmin}
          onClick={() =>
            void act('User unlocked.', () =>
              api(`/v1/users/${encodeURIComponent(incident.userId)}/unlock`, { method: 'POST', body: {} }),
            )
          }
        >
          Unlock user
        </button>
        <button
          type="button"
          disabled={!canAdmin}
          onClick={() => void act('Acknowledged.', () => setAll('acknowledged'))}
        >
          Acknowledge
        </button>
        <button
          type="button"
          disabled={!canAdmin}
          onClick={() => void act('Resolved.', () => setAll('resolved'))}
        >
          Resolve
        </button>
        {!canAdmin && <span className="muted small">Triage needs an admin key.</span>}
      </div>
      {message && <p className="ok">{message}</p>}
      {error && (
        <p className="state error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}
