import { type ReactNode, useState } from 'react';
import { ApiRequestError, api, query } from '../api-client.js';
import { ActionBadge, LevelBadge, Time } from '../components/assessment-badges.js';
import { AssessmentTable } from '../components/assessment-table.js';
import { HourOfWeekHeatmap } from '../components/hour-of-week-heatmap.js';
import { Status } from '../components/status.js';
import type { Assessment, HabitEntry, Page, StoredEvent, UserView } from '../types.js';
import { useApi } from '../use-api.js';

/** One user: lock state (with unlock), baseline, and the timeline of their logins with each one's detail. */
export function UserPage({ userId, canAdmin }: { userId: string; canAdmin: boolean }): ReactNode {
  const user = useApi<UserView>(`/v1/users/${encodeURIComponent(userId)}`);
  const [cursor, setCursor] = useState<string>();
  const timeline = useApi<Page<Assessment>>(`/v1/assessments${query({ userId, limit: 50, cursor })}`);
  const [selected, setSelected] = useState<Assessment>();

  return (
    <section className="page user">
      <header className="page-head">
        <h1>
          User <span className="user-id">{userId}</span>
        </h1>
      </header>
      <Status loading={user.loading && !user.data} error={user.error}>
        {user.data && <LockPanel user={user.data} canAdmin={canAdmin} onChanged={user.reload} />}
        {user.data && <Baseline user={user.data} />}
      </Status>
      <section className="panel">
        <h2>Timeline</h2>
        <Status
          loading={timeline.loading && !timeline.data}
          error={timeline.error}
          empty={timeline.data?.items.length === 0}
          emptyText="No login of this user is stored."
        >
          {timeline.data && (
            <>
              <AssessmentTable
                items={timeline.data.items}
                showUser={false}
                onSelect={setSelected}
                selected={selected?.eventId}
              />
              <div className="pager">
                <button type="button" disabled={!cursor} onClick={() => setCursor(undefined)}>
                  newest
                </button>
                <button
                  type="button"
                  disabled={!timeline.data.nextCursor}
                  onClick={() => setCursor(timeline.data?.nextCursor)}
                >
                  older
                </button>
              </div>
            </>
          )}
        </Status>
      </section>
      {selected && (
        <LoginDetail assessment={selected} canAdmin={canAdmin} onClose={() => setSelected(undefined)} />
      )}
    </section>
  );
}

function LockPanel({
  user,
  canAdmin,
  onChanged,
}: {
  user: UserView;
  canAdmin: boolean;
  onChanged: () => void;
}): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();
  const unlock = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/v1/users/${encodeURIComponent(user.userId)}/unlock`, {
        method: 'POST',
        body: { note: 'unlocked from the dashboard' },
      });
      setDone('Unlocked.');
      onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className={`panel lock ${user.locked ? 'is-locked' : 'is-open'}`}>
      <h2>Account</h2>
      {user.locked ? (
        <p className="lock-state">
          <span className="badge locked">locked</span> until <Time at={user.locked.until} /> (lock #
          {user.locked.lockCount})
        </p>
      ) : (
        <p className="lock-state">
          <span className="badge unlocked">not locked</span>
        </p>
      )}
      {user.locked && (
        <button type="button" className="danger" disabled={!canAdmin || busy} onClick={() => void unlock()}>
          Unlock account
        </button>
      )}
      {user.locked && !canAdmin && <p className="muted small">Unlocking needs an admin key.</p>}
      {done && <p className="ok">{done}</p>}
      {error && (
        <p className="state error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}

function Baseline({ user }: { user: UserView }): ReactNode {
  const b = user.baseline;
  if (!b) {
    return (
      <section className="panel">
        <h2>Baseline</h2>
        <p className="state empty">No baseline learned yet (no allowed or confirmed login).</p>
      </section>
    );
  }
  return (
    <section className="panel baseline">
      <h2>
        Baseline{' '}
        <span className="muted small">
          {b.learnedLogins} logins learned · home time zone {b.homeTimeZone ?? '—'}
        </span>
      </h2>
      <div className="habits">
        <Habits title="Devices" items={b.devices} />
        <Habits title="Countries" items={b.countries} />
        <Habits title="Cities" items={b.cities} />
        <Habits title="Networks" items={b.networks} />
      </div>
      <h3>Hours of the week</h3>
      <HourOfWeekHeatmap shares={b.hoursOfWeekShare} timeZone={b.homeTimeZone ?? 'UTC'} />
    </section>
  );
}

function Habits({ title, items }: { title: string; items: HabitEntry[] }): ReactNode {
  return (
    <div className="habit">
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">—</p>
      ) : (
        <ul>
          {items.slice(0, 6).map((h) => (
            <li key={h.key} title={`first ${h.firstSeen}, last ${h.lastSeen}`}>
              <span>{h.label ?? h.key}</span> <span className="muted">{h.weight}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One login: its reasons and scores, the raw event (user agent, IP, device), and feedback. */
function LoginDetail(props: { assessment: Assessment; canAdmin: boolean; onClose: () => void }): ReactNode {
  const a = props.assessment;
  const detail = useApi<Assessment & { event: StoredEvent | null }>(
    `/v1/assessments/${encodeURIComponent(a.eventId)}`,
  );
  const [verdict, setVerdict] = useState<string>();
  const [error, setError] = useState<Error>();
  const send = async (v: 'attack' | 'legitimate') => {
    setError(undefined);
    try {
      await api(`/v1/assessments/${encodeURIComponent(a.eventId)}/feedback`, {
        method: 'POST',
        body: { verdict: v },
      });
      setVerdict(v === 'attack' ? 'Confirmed as an attack.' : 'Marked legitimate.');
    } catch (e) {
      setError(e instanceof ApiRequestError ? e : new Error(String(e)));
    }
  };
  const event = detail.data?.event;
  return (
    <section className="panel detail" aria-label="login detail">
      <h2>
        Login {a.eventId}{' '}
        <button type="button" className="link" onClick={props.onClose}>
          close
        </button>
      </h2>
      <p>
        <Time at={a.timestamp} /> <ActionBadge action={a.action} />{' '}
        <LevelBadge level={a.riskLevel} score={a.riskScore} />
      </p>
      <ul className="why">
        {a.reasons.map((r) => (
          <li key={r.code}>
            <span className="reason">{r.code}</span> <span className="muted">{r.score.toFixed(2)}</span>{' '}
            {r.message}
          </li>
        ))}
      </ul>
      <Status loading={detail.loading} error={detail.error}>
        {event ? (
          <dl className="event">
            <dt>IP</dt>
            <dd>{event.ip}</dd>
            <dt>user agent</dt>
            <dd className="ua">{event.userAgent ?? '—'}</dd>
            <dt>device id</dt>
            <dd>{event.deviceId ?? '—'}</dd>
            <dt>success</dt>
            <dd>{String(event.success)}</dd>
          </dl>
        ) : (
          <p className="muted">The raw event is no longer stored (retention).</p>
        )}
      </Status>
      <div className="actions">
        <button type="button" disabled={!props.canAdmin} onClick={() => void send('attack')}>
          Confirm attack
        </button>
        <button type="button" disabled={!props.canAdmin} onClick={() => void send('legitimate')}>
          Mark legitimate
        </button>
        {!props.canAdmin && <span className="muted small">Feedback needs an admin key.</span>}
      </div>
      {verdict && <p className="ok">{verdict}</p>}
      {error && (
        <p className="state error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}
