import { type ReactNode, useState } from 'react';
import { query } from '../api-client.js';
import { Time } from '../components/assessment-badges.js';
import { Status } from '../components/status.js';
import type { AuditEntry, Page } from '../types.js';
import { useApi } from '../use-api.js';
import { hrefOf } from '../use-hash-route.js';

/** The audit log, newest first, filtered by action and actor, one server-side page at a time. */
export function AuditPage(): ReactNode {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [applied, setApplied] = useState({ action: '', actor: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const log = useApi<Page<AuditEntry>>(`/v1/audit${query({ ...applied, limit: 50, cursor })}`);

  return (
    <section className="page audit">
      <header className="page-head">
        <h1>Audit log</h1>
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setCursors([]);
            setApplied({ action: action.trim(), actor: actor.trim() });
          }}
        >
          <input
            aria-label="action"
            placeholder="action, e.g. account.unlock"
            value={action}
            onChange={(e) => setAction(e.target.value)}
            list="audit-actions"
          />
          <datalist id="audit-actions">
            {[
              'account.unlock',
              'account.lock',
              'decision.deny',
              'decision.challenge',
              'feedback.attack',
              'feedback.legitimate',
              'session.create',
              'api_key.create',
              'queue.requeue',
            ].map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <input
            aria-label="actor"
            placeholder="actor"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
          />
          <button type="submit">Filter</button>
        </form>
      </header>
      <Status
        loading={log.loading && !log.data}
        error={log.error}
        empty={log.data?.items.length === 0}
        emptyText="No audit entry matches."
      >
        {log.data && (
          <>
            <table className="grid">
              <thead>
                <tr>
                  <th>time</th>
                  <th>action</th>
                  <th>actor</th>
                  <th>target</th>
                  <th>source</th>
                  <th>detail</th>
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((e) => (
                  <tr key={e.id} data-action={e.action}>
                    <td>
                      <Time at={e.at} />
                    </td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>{e.actor}</td>
                    <td className="user">
                      {e.target ? (
                        targetIsUser(e.action) ? (
                          <a href={hrefOf('users', e.target)}>{e.target}</a>
                        ) : (
                          e.target
                        )
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{e.sourceIp ?? '—'}</td>
                    <td className="detail-json">
                      {Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="pager">
              <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
                newest
              </button>
              <button
                type="button"
                disabled={!log.data.nextCursor}
                onClick={() => log.data?.nextCursor && setCursors([...cursors, log.data.nextCursor])}
              >
                older
              </button>
            </div>
          </>
        )}
      </Status>
    </section>
  );
}

/** Actions whose target is a user id (others name an alert, an event, an API key…). */
function targetIsUser(action: string): boolean {
  return /^(account|decision|feedback)\./.test(action);
}
