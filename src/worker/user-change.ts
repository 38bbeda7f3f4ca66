import type { LockState } from '../decide/lockout.js';
import type { LoginEvent } from '../event/login-event.js';
import type { Pipeline } from '../pipeline.js';
import type { ScoringState } from '../profile/scoring-state.js';
import { unlearnLogin } from '../profile/unlearn-login.js';

/**
 * One admin change to a user's scoring state (unlock, feedback, a "secure my account" click).
 * Data, not a closure: the scorer may run on another thread, so the change is sent to it and
 * applied there, inside the same critical section as scoring.
 */
export type UserChange =
  /** Lift the lock and forget the failure windows that would lock the account again at once. */
  | { kind: 'unlock' }
  /** The login was the user's (feedback `legitimate`): the baseline learns it if it succeeded. */
  | { kind: 'learn'; event: LoginEvent }
  /** The login was an attack: forget what it taught the baseline (see `unlearnLogin`). */
  | { kind: 'forget'; timestampMs: number }
  /** Lock until `until` (kept if a longer lock already runs), as of `at`. */
  | { kind: 'lock'; until: number; at: number };

/** What applying a list of changes did. */
export interface UserChangeResult {
  /** The lock before the changes (undefined: not locked). */
  lockBefore: LockState | undefined;
  /** A `learn` change was learned (the login had succeeded). */
  learned: boolean;
  /** What `forget` changes removed from the baseline, as `kind:key`. */
  forgotten: string[];
}

/** Applies `changes` in order to one user's state. */
export function applyUserChanges(
  state: ScoringState,
  pipeline: Pick<Pipeline, 'learn'>,
  userId: string,
  changes: readonly UserChange[],
): UserChangeResult {
  const result: UserChangeResult = { lockBefore: state.getLock(userId), learned: false, forgotten: [] };
  for (const change of changes) {
    switch (change.kind) {
      case 'unlock':
        state.setLock(userId, undefined);
        state.activity.forgetUserFailures(userId);
        break;
      case 'learn':
        if (change.event.userId !== userId) throw new Error('a learned login must be the user’s own');
        if (change.event.success) {
          pipeline.learn(change.event, state);
          result.learned = true;
        }
        break;
      case 'forget': {
        const profile = state.getProfile(userId);
        if (profile) result.forgotten.push(...unlearnLogin(profile, change.timestampMs));
        break;
      }
      case 'lock': {
        const previous = state.getLock(userId);
        state.setLock(userId, {
          until: Math.max(change.until, previous?.until ?? 0),
          count: (previous?.count ?? 0) + 1,
          lastLockAt: change.at,
        });
        break;
      }
    }
  }
  return result;
}
