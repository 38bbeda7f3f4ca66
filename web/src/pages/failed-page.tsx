import { type ReactNode, useState } from 'react';
import { api } from '../api-client.js';
import { Time } from '../components/assessment-badges.js';
import { Status } from '../components/status.js';
import type { FailedEventView } from '../types.js';
import { useApi } from '../use-api.js';
import { hrefOf } from '../use-hash-route.js';

/**
 * The queue's failed list (admin): events the worker could not score, each with its error, and a
 * button that puts one back in the queue once its cause is fixed (`POST …/requeue`, audited).
 */
export function FailedPage({ canAdmin }: { canAdmin: boolean }): ReactNode {
  const failed = useApi<{ items: FailedEventView[] }>('/v1/queue/failed?limit=200', 10_000);
  const [busy, setBusy] = useState<string>();
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<Error>();

  const requeue = async (f: FailedEventView) => {
    setBusy(keyOf(f));
    setDone(undefined);
    setError(undefined);
    try {
      await api(`/v1/queue/failed/${encodeURIComponent(f.eventId)}/requeue`, {
        method: 'POST',
        body: { timestampMs: f.timestampMs, note: 'requeued from the dashboard' },
      });
      setDone(`Requeued ${f.eventId}.`);
      failed.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="page failed">
      <header className="page-head">
        <h1>Failed events</h1>
        <p className="muted small">
          Events the worker could not score (the error says why), most recent first. They are never delivered
          again unless put back in the queue.
        </p>
      </header>
      {done && <p className="ok">{done}</p>}
      {error && (
        <p className="state error" role="alert">
          {error.message}
        </p>
      )}
      <Status
        loading={failed.loading && !failed.data}
        error={failed.error}
        empty={failed.data?.items.length === 0}
        emptyText="No failed event: everything queued was scored."
      >
        {failed.data && (
          <table className="grid">
            <thead>
              <tr>
                <th>failed</th>
                <th>event time</th>
                <th>user</th>
                <th>event id</th>
                <th>error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {failed.data.items.map((f) => {
                const key = keyOf(f);
                return (
                  <tr key={key} data-event-id={f.eventId}>
                    <td>
                      <Time at={f.failedAt} />
                    </td>
                    <td>{f.timestampMs > 0 ? <Time at={f.timestampMs} /> : '—'}</td>
                    <td className="user">
                      {f.event ? <a href={hrefOf('users', f.event.userId)}>{f.event.userId}</a> : '—'}
                    </td>
                    <td>
                      <code>{f.eventId}</code>
                    </td>
                    <td className="detail-json">{f.error}</td>
                    <td>
                      <button
                        type="button"
                        disabled={!canAdmin || f.event === null || busy !== undefined}
                        title={f.event === null ? 'the event is no longer stored' : undefined}
                        onClick={() => void requeue(f)}
                      >
                        {busy === key ? 'Requeueing…' : 'Requeue'}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Status>
    </section>
  );
}

/** A failed event's key: its id at its time (the same id at another time is another event). */
function keyOf(f: FailedEventView): string {
  return `${f.timestampMs} ${f.eventId}`;
}
