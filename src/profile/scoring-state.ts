import type { ScoringConfig } from '../config/scoring-config.js';
import type { LockState } from '../decide/lockout.js';
import { ActivityCounters } from './activity-counters.js';
import type { UserProfile } from './user-profile.js';

/**
 * The state `assess` reads and writes: per-user baselines and locks, and the counters that span
 * users. The pipeline touches one user's entries per event; a store that persists them (SQLite,
 * PostgreSQL) wraps one event's reads and writes in one transaction.
 */
export interface ScoringState {
  getProfile(userId: string): UserProfile | undefined;
  setProfile(userId: string, profile: UserProfile): void;
  getLock(userId: string): LockState | undefined;
  setLock(userId: string, lock: LockState | undefined): void;
  readonly activity: ActivityCounters;
}

/** Everything in process memory: for `replay`, tests and the embedded worker's hot cache. */
export class MemoryScoringState implements ScoringState {
  readonly profiles = new Map<string, UserProfile>();
  readonly locks = new Map<string, LockState>();
  readonly activity: ActivityCounters;

  constructor(config: Pick<ScoringConfig, 'lockout' | 'spray' | 'stuffing'>) {
    this.activity = new ActivityCounters(config);
  }

  getProfile(userId: string): UserProfile | undefined {
    return this.profiles.get(userId);
  }

  setProfile(userId: string, profile: UserProfile): void {
    this.profiles.set(userId, profile);
  }

  getLock(userId: string): LockState | undefined {
    return this.locks.get(userId);
  }

  setLock(userId: string, lock: LockState | undefined): void {
    if (lock) this.locks.set(userId, lock);
    else this.locks.delete(userId);
  }
}
