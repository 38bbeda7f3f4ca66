import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Assessment } from '../event/assessment.js';
import type { Scoring, ScoringListeners, UserSnapshot } from './scoring.js';
import type { ScoringThreadData, ThreadReply, ThreadRequest } from './scoring-thread-protocol.js';
import type { UserChangeResult } from './user-change.js';

/** How long `close()` waits for the thread to finish its batch and commit before ending it. */
const CLOSE_TIMEOUT_MS = 30_000;

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
type RequestBody = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * {@link Scoring} on a worker thread (`scoring-thread.ts`) with its own database connections.
 *
 * Why a thread: better-sqlite3 is synchronous, so on one thread every commit of the worker
 * stops HTTP, and one core does everything (bench/service-load.mjs: 8,500 events/s, p99 97 ms
 * for the synchronous endpoint). Here the main thread keeps HTTP, validation and enqueue; the
 * scoring thread owns the per-user state and everything that writes it (scoring, commits, admin
 * changes, sent to it as data: see `UserChange`). SQLite in WAL mode lets the two connections
 * write in turn and read without waiting.
 */
export class ThreadedScoring implements Scoring {
  private nextId = 1;
  private readonly calls = new Map<number, Pending>();
  private stopped: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly log: Logger,
  ) {}

  /** Starts the thread; resolves once it has opened the database and loaded the models. */
  static open(data: ScoringThreadData, listeners: ScoringListeners, log: Logger): Promise<ThreadedScoring> {
    const worker = new Worker(threadEntry(), { workerData: data });
    const scoring = new ThreadedScoring(worker, log);
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: ThreadReply) => {
        switch (message.type) {
          case 'ready':
            started = true;
            resolve(scoring);
            break;
          case 'failed':
            reject(new Error(message.error));
            void worker.terminate();
            break;
          case 'reply':
            scoring.settle(message);
            break;
          case 'committed':
            listeners.onCommitted?.(message.assessments);
            break;
          case 'batch':
            listeners.onBatch?.(message.seconds, message.events);
            break;
          case 'state':
            listeners.onState?.(message.state);
            break;
        }
      });
      worker.on('error', (err) => {
        if (!started) reject(err);
        scoring.fail(err);
      });
      worker.on('exit', (code) => {
        if (!started) reject(new Error(`the scoring thread exited during start-up (code ${code})`));
        scoring.fail(new Error(`the scoring thread exited (code ${code})`));
      });
    });
  }

  /** False once the thread has died (an uncaught error); every call then fails. */
  get alive(): boolean {
    return this.stopped === undefined;
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

  async drain(): Promise<void> {
    await this.call({ op: 'drain' });
  }

  wake(): void {
    if (!this.stopped) this.worker.postMessage({ op: 'wake' } satisfies ThreadRequest);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.stopped) {
        const exited = new Promise((resolve) => this.worker.once('exit', resolve));
        const timer = setTimeout(() => {
          this.log.error('the scoring thread did not finish in time; ending it');
          void this.worker.terminate();
        }, CLOSE_TIMEOUT_MS);
        try {
          await this.call({ op: 'close' });
        } finally {
          this.stopped ??= new Error('scoring is closed');
          // Nothing holds the thread once its connections are closed: it ends by itself.
          await exited;
          clearTimeout(timer);
        }
      }
    })();
    return this.closing;
  }

  private call(body: RequestBody): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
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
    else pending.reject(new Error(reply.error));
  }

  private fail(err: Error): void {
    if (!this.stopped) this.log.error({ err }, 'the scoring thread stopped');
    this.stopped ??= err;
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
