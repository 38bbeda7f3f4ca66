import type { ReactNode } from 'react';
import type { Assessment } from '../types.js';
import { hrefOf } from '../use-hash-route.js';
import { ActionBadge, LevelBadge, ReasonList, Time } from './assessment-badges.js';

/** Assessments as rows; the user links to the user page. `onSelect` makes rows open a detail. */
export function AssessmentTable(props: {
  items: Assessment[];
  showUser?: boolean;
  onSelect?: (a: Assessment) => void;
  selected?: string | undefined;
}): ReactNode {
  const showUser = props.showUser ?? true;
  return (
    <table className="grid">
      <thead>
        <tr>
          <th>time</th>
          {showUser && <th>user</th>}
          <th>action</th>
          <th>risk</th>
          <th>reasons</th>
          <th>from</th>
          <th>device</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((a) => (
          <tr
            key={a.eventId}
            data-event-id={a.eventId}
            className={props.selected === a.eventId ? 'selected' : undefined}
            onClick={props.onSelect ? () => props.onSelect?.(a) : undefined}
          >
            <td>
              <Time at={a.timestamp} />
            </td>
            {showUser && (
              <td className="user">
                <a href={hrefOf('users', a.userId)} onClick={(e) => e.stopPropagation()}>
                  {a.userId}
                </a>
                {a.accountLocked && <span className="badge locked">locked</span>}
              </td>
            )}
            <td>
              <ActionBadge action={a.action} />
            </td>
            <td>
              <LevelBadge level={a.riskLevel} score={a.riskScore} />
            </td>
            <td>
              <ReasonList reasons={a.reasons} />
            </td>
            <td>{[a.context.city, a.context.country].filter(Boolean).join(', ') || '—'}</td>
            <td className="device">
              {[a.context.device.browser, a.context.device.os, a.context.device.type]
                .filter(Boolean)
                .join(' / ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
