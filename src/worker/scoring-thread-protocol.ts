import type { ScoringConfig } from '../config/scoring-config.js';
import type { LoginEvent } from '../event/login-event.js';
import type { AuditEntry } from '../store/audit-repository.js';
import type { AlertFilter, CommittedBatch } from './committed-batch.js';
import type { ScorerState } from './scorer.js';
import type { UserChange } from './user-change.js';

/** What the scoring thread is started with (plain data: it is copied to the thread). */
export interface ScoringThreadData {
  file: string;
  synchronous: 'full' | 'normal';
  busyTimeoutMs: number;
  scoring: ScoringConfig;
  modelsDir: string | undefined;
  logLevel: string;
  batchSize: number;
  leaseMs: number;
  maxAttempts: number;
  runWorker: boolean;
  profileFlushMs: number;
  maxCachedUsers: number;
  /** The thread's heap limit (V8 old generation), MiB. */
  heapLimitMb: number;
  /** The alert rules: the thread sends only the assessments that may alert. */
  alerts: AlertFilter;
}

/** Main thread → scoring thread. Every op but `wake` and `exit` gets one `reply` with its id. */
export type ThreadRequest =
  | { op: 'assess'; id: number; event: LoginEvent }
  | { op: 'update'; id: number; userId: string; changes: UserChange[]; audit: AuditEntry[] }
  | { op: 'peek'; id: number; userId: string }
  | { op: 'models'; id: number; dir: string }
  | { op: 'drain'; id: number }
  | { op: 'close'; id: number }
  | { op: 'wake' }
  /** End the thread at its next turn, whatever it was doing (see `ThreadedScoring.end`). */
  | { op: 'exit' };

/** Scoring thread → main thread. */
export type ThreadReply =
  | { type: 'ready' }
  /** Start-up failed (bad models directory, database): the thread ends. */
  | { type: 'failed'; error: string }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  /** `unavailable`: the storage's trouble (`isStorageUnavailable`), worth a retry. */
  | { type: 'reply'; id: number; ok: false; error: string; unavailable: boolean }
  | { type: 'committed'; batch: CommittedBatch }
  | { type: 'batch'; seconds: number; events: number }
  | { type: 'state'; state: ScorerState };
