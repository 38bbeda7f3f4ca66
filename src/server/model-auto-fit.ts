import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ScoringConfig } from '../config/scoring-config.js';
import { AuditRepository } from '../store/audit-repository.js';
import type { Database } from '../store/database.js';
import type { FitThreadData, FitThreadReply } from '../train/fit-thread-protocol.js';
import type { Scoring } from '../worker/scoring.js';

export interface ModelAutoFitOptions {
  /** Logins scored (stored) before the models are fitted; see `ServiceConfig.modelsAutoFitAfter`. */
  after: number;
  /** The service's SQLite file (its stored events are the history). */
  file: string;
  /** Where the models are saved; the next start loads them from there. */
  outDir: string;
  scoringConfig: ScoringConfig;
  /** Scores with the models once they are saved. */
  scoring: Pick<Scoring, 'useModels'>;
  /** For the audit entry (and the count of events stored before this start). */
  db: Kysely<Database>;
  log: Logger;
  now: () => number;
  seed?: number;
  /** Autoencoder epochs (tests); default that of `trainModels`. */
  epochs?: number;
}

/** `waiting` for the warm-up, `fitting`, then `fitted` or `failed` (until the next start). */
export type AutoFitState = 'waiting' | 'fitting' | 'fitted' | 'failed';

/**
 * Anomaly models for a service started without any (issue 3: "fit automatically after a warm-up
 * when none is given"). Counts the logins scored, the events already stored included; past the
 * warm-up it fits the models on the stored events on a thread of its own (`fit-thread.ts`, the
 * same `trainModels` as `loginguard train`: replayed through the rules, normal-looking logins
 * only), saves them, has scoring use them from the next event on, and audits it (`models.fit`).
 * The rules score alone until then, and go on alone if fitting fails (logged and audited; tried
 * again on the next start).
 */
export class ModelAutoFit {
  private scored = 0;
  private current: AutoFitState = 'waiting';
  private worker: Worker | undefined;
  private run: Promise<void> | undefined;
  private closed = false;

  private constructor(private readonly options: ModelAutoFitOptions) {}

  /** Counts the events stored before this start; fits at once if they are already enough. */
  static async open(options: ModelAutoFitOptions): Promise<ModelAutoFit> {
    const autoFit = new ModelAutoFit(options);
    const row = await options.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    autoFit.onScored(Number(row.n));
    if (autoFit.current === 'waiting') {
      options.log.info(
        { after: options.after, stored: autoFit.scored },
        'no anomaly models: scoring with the rules; the models are fitted once the warm-up is reached',
      );
    }
    return autoFit;
  }

  get state(): AutoFitState {
    return this.current;
  }

  /** The directory of the models scoring uses once fitted; undefined before (or if the fit failed). */
  get modelsDir(): string | undefined {
    return this.current === 'fitted' ? this.options.outDir : undefined;
  }

  /** Counts logins just scored (committed); starts the fit when the warm-up is reached. */
  onScored(count: number): void {
    if (this.current !== 'waiting' || this.closed) return;
    this.scored += count;
    if (this.scored >= this.options.after) this.run = this.fit();
  }

  /** Resolves once a fit that started has ended (fitted or failed); at once if none started. */
  async settled(): Promise<void> {
    await this.run;
  }

  /** Stops a fit in progress (its thread is ended; nothing is saved or audited). */
  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
    await this.run;
  }

  private async fit(): Promise<void> {
    const { log, now, outDir } = this.options;
    this.current = 'fitting';
    const started = now();
    log.info({ scored: this.scored, outDir }, 'fitting the anomaly models on the stored events');
    try {
      const reply = await this.runThread();
      if (reply.type === 'failed') throw new Error(reply.error);
      await this.options.scoring.useModels(outDir);
      this.current = 'fitted';
      const detail = { ...reply.training, seconds: reply.seconds, outcome: 'fitted' };
      log.info({ outDir, ...detail, tookMs: now() - started }, 'anomaly models fitted: scoring with them');
      await this.audit({ ...detail, outDir });
    } catch (err) {
      if (this.closed) return;
      this.current = 'failed';
      const error = err instanceof Error ? err.message : String(err);
      log.error(
        { err },
        'fitting the anomaly models failed: scoring goes on with the rules alone (tried again on the next start)',
      );
      await this.audit({ outcome: 'failed', error, scored: this.scored });
    }
  }

  private runThread(): Promise<FitThreadReply> {
    const { file, outDir, scoringConfig, seed, epochs } = this.options;
    const data: FitThreadData = {
      file,
      outDir,
      scoring: scoringConfig,
      seed: seed ?? 1,
      ...(epochs ? { epochs } : {}),
    };
    const worker = new Worker(threadEntry(), { workerData: data });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FitThreadReply) => {
        resolve(message);
        // Its one message is sent: whatever it still holds (tfjs) need not keep it alive.
        void worker.terminate();
      });
      worker.on('error', reject);
      // After a reply this changes nothing (a settled promise stays settled).
      worker.on('exit', (code) => {
        this.worker = undefined;
        reject(new Error(`the fit thread exited (code ${code}) without a result`));
      });
    });
  }

  private async audit(detail: Record<string, unknown>): Promise<void> {
    if (this.closed) return;
    try {
      await new AuditRepository(this.options.db).append([
        {
          at: this.options.now(),
          actor: 'loginguard',
          action: 'models.fit',
          target: this.options.outDir,
          detail,
        },
      ]);
    } catch (err) {
      this.options.log.error({ err }, 'the audit entry of the models fit could not be written');
    }
  }
}

/** dist/train/fit-thread.js; from src/ (tests) the built one too: Node cannot run .ts threads. */
function threadEntry(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/train/fit-thread.js', here)
    : new URL('../train/fit-thread.js', here);
}
