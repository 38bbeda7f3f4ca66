import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Assessment } from '../event/assessment.js';
import { StorageUnavailableError } from '../store/storage-unavailable.js';
import {
  type Scoring,
  type ScoringListeners,
  ScoringUnavailableError,
  type UserSnapshot,
} from './scoring.js';
import type { ScoringThreadData, ThreadReply, ThreadRequest } from './scoring-thread-protocol.js';
import type { UserChangeResult } from './user-change.js';

/** How long `close()` waits for the thread to finish its batch and commit before ending it. */
const CLOSE_TIMEOUT_MS = 30_000;
/** How long a thread asked to end (`end`) has to exit before it is terminated. */
const END_TIMEOUT_MS = 5000;
/** First wait before starting a thread again after one died; doubled per death, up to the max. */
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A thread that lived this long resets the delay: its death is not part of a crash loop. */
const STABLE_AFTER_MS = 60_000;
/**
 * The scoring thread's young generation. V8 sizes a worker's from its old-generation limit, small
 * here (a few MB of semi-space): objects that live for one batch or one commit (assessments, write
 * sets, enrichment results) were promoted, the old generation filled every 10–15 s, and each full
 * collection stalled the synchronous endpoint for 50–100 ms. With 64 MB it scavenges a third less
 * often and promotes less, and the p99 of `POST /v1/assess` at 1,000/s fell from 20.8–85.4 ms to
 * 11.5–29.6 ms (7 runs each; bench/service-load.mjs, docs/BENCHMARKS.md).
 */
const SCORING_YOUNG_GENERATION_MB = 64;

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
type RequestBody = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface ThreadedScoringOptions {
  /**
   * Runs before a thread that died is replaced: gives back the queue leases it held (in the
   * embedded deployment it was the queue's only consumer), so its batch is scored again at once.
   */
  beforeRestart?: () => Promise<void>;
  /** First delay before a restart (tests). Default 1 s. */
  restartDelayMs?: number;
}

/**
 * {@link Scoring} on a worker thread (`scoring-thread.ts`) with its own database connections.
 *
 * Why a thread: better-sqlite3 is synchronous, so on one thread every commit of the worker
 * stops HTTP, and one core does everything (bench/service-load.mjs: 8,500 events/s, p99 97 ms
 * for the synchronous endpoint). Here the main thread keeps HTTP, validation and enqueue; the
 * scoring thread owns the per-user state and everything that writes it (scoring, commits, admin
 * changes, sent to it as data: see `UserChange`). SQLite in WAL mode lets the two connections
 * write in turn and read without waiting.
 *
 * A thread that dies (an uncaught error, its heap limit) is replaced: calls in flight fail, calls
 * made until the new thread is ready fail at once (and /readyz answers 503), then a new thread
 * starts from the stored state, after 1 s, doubling up to 30 s while deaths repeat. What the dead
 * thread had not committed is scored again from the queue; baselines it had not written yet are
 * lost, as in a crash of the process.
 */
export class ThreadedScoring implements Scoring {
  private nextId = 1;
  private readonly calls = new Map<number, Pending>();
  /** Closed for good. */
  private stopped: Error | undefined;
  /** The thread died and a new one is not ready yet. */
  private down: Error | undefined;
  private closing: Promise<void> | undefined;
  private worker!: Worker;
  private startedAt = 0;
  private restartDelay: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private deaths = 0;

  private constructor(
    private readonly data: ScoringThreadData,
    private readonly listeners: ScoringListeners,
    private readonly log: Logger,
    private readonly options: ThreadedScoringOptions,
  ) {
    this.restartDelay = options.restartDelayMs ?? RESTART_DELAY_MS;
  }

  /** Starts the thread; resolves once it has opened the database and loaded the models. */
  static async open(
    data: ScoringThreadData,
    listeners: ScoringListeners,
    log: Logger,
    options: ThreadedScoringOptions = {},
  ): Promise<ThreadedScoring> {
    const scoring = new ThreadedScoring(data, listeners, log, options);
    await scoring.start();
    return scoring;
  }

  /** Threads that died and were replaced (or are being) since `open`. */
  get restarts(): number {
    return this.deaths;
  }

  /** Starts a thread; resolves once it is ready, rejects if it fails to start. */
  private start(): Promise<void> {
    const worker = new Worker(threadEntry(), {
      workerData: this.data,
      resourceLimits: {
        maxOldGenerationSizeMb: this.data.heapLimitMb,
        maxYoungGenerationSizeMb: SCORING_YOUNG_GENERATION_MB,
      },
    });
    this.worker = worker;
    const { listeners } = this;
    return new Promise((resolve, reject) => {
      let started = false;
      let gone = false;
      // 'failed', 'error' and 'exit' can each report the same end: act on the first.
      const ended = (err: Error) => {
        if (gone) return;
        gone = true;
        if (!started) reject(err);
        else this.died(err);
      };
      worker.on('message', (message: ThreadReply) => {
        switch (message.type) {
          case 'ready':
            started = true;
            this.startedAt = Date.now();
            resolve();
            break;
          case 'failed':
            ended(new Error(message.error));
            void worker.terminate();
            break;
          case 'reply':
            this.settle(message);
            break;
          case 'committed':
            listeners.onCommitted?.(message.batch);
            break;
          case 'batch':
            listeners.onBatch?.(message.seconds, message.events);
            break;
          case 'state':
            listeners.onState?.(message.state);
            break;
        }
      });
      worker.on('error', (err) =>
        ended(
          started
            ? err
            : new Error(`the scoring thread failed during start-up: ${err.message}`, { cause: err }),
        ),
      );
      worker.on('exit', (code) =>
        ended(
          new Error(
            started
              ? `the scoring thread exited (code ${code})`
              : `the scoring thread exited during start-up (code ${code})`,
          ),
        ),
      );
    });
  }

  /** The running thread ended without being asked to: fail what waits on it, start another. */
  private died(err: Error): void {
    const gone = new ScoringUnavailableError(`the scoring thread stopped: ${err.message}`, { cause: err });
    this.failCalls(gone);
    if (this.stopped || this.closing) {
      this.stopped ??= gone;
      return;
    }
    this.deaths++;
    if (Date.now() - this.startedAt >= STABLE_AFTER_MS)
      this.restartDelay = this.options.restartDelayMs ?? RESTART_DELAY_MS;
    this.down = err;
    this.log.error({ err, restartInMs: this.restartDelay }, 'the scoring thread stopped; starting a new one');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelay;
    this.restartDelay = Math.min(MAX_RESTART_DELAY_MS, delay * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    try {
      await this.options.beforeRestart?.();
      if (this.stopped || this.closing) return;
      await this.start();
      if (this.stopped || this.closing) {
        await this.worker.terminate();
        return;
      }
      this.down = undefined;
      this.log.warn({ restarts: this.deaths }, 'a new scoring thread is ready');
    } catch (err) {
      if (this.stopped || this.closing) return;
      this.log.error(
        { err, restartInMs: this.restartDelay },
        'the new scoring thread did not start; trying again',
      );
      this.scheduleRestart();
    }
  }

  /** False while a thread that died is being replaced, and once closed: every call then fails. */
  get alive(): boolean {
    return this.stopped === undefined && this.down === undefined;
  }

  assessNow(event: Parameters<Scoring['assessNow']>[0]) {
    return this.call({ op: 'assess', event }) as Promise<{ assessment: Assessment; duplicate: boolean }>;
  }

  updateUser(...[userId, changes, audit]: Parameters<Scoring['updateUser']>) {
    return this.call({ op: 'update', userId, changes: [...changes], audit }) as Promise<UserChangeResult>;
  }

  peek(userId: string) {
    return this.call({ op: 'peek', userId }) as Promise<UserSnapshot>;
  }

  /** The thread loads the models; a thread started after this (a restart) loads them too. */
  async useModels(dir: string): Promise<void> {
    await this.call({ op: 'models', dir });
    this.data.modelsDir = dir;
  }

  async drain(): Promise<void> {
    await this.call({ op: 'drain' });
  }

  wake(): void {
    if (this.alive) this.worker.postMessage({ op: 'wake' } satisfies ThreadRequest);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.restartTimer);
      if (this.down) this.stopped ??= new ScoringUnavailableError('scoring is closed');
      if (!this.stopped) {
        const exited = new Promise((resolve) => this.worker.once('exit', resolve));
        const timer = setTimeout(() => {
          this.log.error('the scoring thread did not finish in time; ending it');
          this.end();
        }, CLOSE_TIMEOUT_MS);
        try {
          await this.call({ op: 'close' });
        } finally {
          this.stopped ??= new ScoringUnavailableError('scoring is closed');
          // Nothing holds the thread once its connections are closed: it ends by itself.
          await exited;
          clearTimeout(timer);
        }
      }
    })();
    return this.closing;
  }

  /**
   * Ends the thread, whatever it is doing. It is asked to exit first, which it does at its next
   * turn: `worker.terminate()` can stop it inside a better-sqlite3 call, and a call that fails
   * then (SQLITE_BUSY while it waits for the write lock) aborts the whole process, because
   * better-sqlite3 12 cannot build its error once V8 is stopping the thread ("FATAL ERROR:
   * v8::ToLocalChecked Empty MaybeLocal", seen in test/server/storage-unavailable.test.ts).
   * Terminated only if it has not exited within END_TIMEOUT_MS (a loop that never yields).
   */
  private end(): void {
    const { worker } = this;
    const timer = setTimeout(() => void worker.terminate(), END_TIMEOUT_MS);
    worker.once('exit', () => clearTimeout(timer));
    worker.postMessage({ op: 'exit' } satisfies ThreadRequest);
  }

  private call(body: RequestBody): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.down) {
      return Promise.reject(
        new ScoringUnavailableError(`scoring is restarting: ${this.down.message}`, { cause: this.down }),
      );
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id } as ThreadRequest);
    });
  }

  private settle(reply: Extract<ThreadReply, { type: 'reply' }>): void {
    const pending = this.calls.get(reply.id);
    if (!pending) return;
    this.calls.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    // The error crosses the thread as text; whether it was the storage's is kept (503, not 500).
    else
      pending.reject(reply.unavailable ? new StorageUnavailableError(reply.error) : new Error(reply.error));
  }

  private failCalls(err: ScoringUnavailableError): void {
    for (const pending of this.calls.values()) pending.reject(err);
    this.calls.clear();
  }
}

/** dist/worker/scoring-thread.js; from src/ (tests) the built one too: Node cannot run .ts threads. */
function threadEntry(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/worker/scoring-thread.js', here)
    : new URL('./scoring-thread.js', here);
}
