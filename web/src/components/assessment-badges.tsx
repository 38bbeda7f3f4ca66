import type { ReactNode } from 'react';
import type { Action, RiskLevel } from '../types.js';

export function ActionBadge({ action }: { action: Action }): ReactNode {
  return <span className={`badge action-${action}`}>{action}</span>;
}

export function LevelBadge({ level, score }: { level: RiskLevel; score: number }): ReactNode {
  return (
    <span className={`badge level-${level}`} title={`risk ${score.toFixed(2)}`}>
      {level} {score.toFixed(2)}
    </span>
  );
}

export function ReasonList({ reasons }: { reasons: { code: string; message: string }[] }): ReactNode {
  if (reasons.length === 0) return <span className="muted">—</span>;
  return (
    <span className="reasons">
      {reasons.map((r) => (
        <span key={r.code} className="reason" title={r.message}>
          {r.code}
        </span>
      ))}
    </span>
  );
}

/** Local time, to the second: analysts compare events minutes apart. */
export function Time({ at }: { at: string | number }): ReactNode {
  const d = new Date(at);
  return <time dateTime={d.toISOString()}>{d.toLocaleString(undefined, { hour12: false })}</time>;
}
