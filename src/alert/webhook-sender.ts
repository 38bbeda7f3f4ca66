import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AuditRepository } from '../store/audit-repository.js';
import type { Database } from '../store/database.js';
import { checkPageLimit, decodeCursor, newestFirst, type Page, pageOf } from '../store/page-cursor.js';
import { alertDb } from './alert-tables.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

/** Where a delivery is: waiting for its next try, delivered (a 2xx), or dead-lettered. */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One alert to one URL, as the delivery log shows it. */
export interface WebhookDelivery {
  id: string;
  alertId: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  /** Epoch ms of the next try, while pending. */
  nextAttemptAt?: number;
  /** HTTP status of the last try (absent when it got none: refused, timed out). */
  lastStatus?: number;
  lastError?: string;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookSenderOptions {
  db: Kysely<Database>;
  urls: readonly string[];
  secret: string;
  maxAttempts: number;
  /** First retry after this; the n-th retry after `retryBaseMs · 2^(n-1)`. */
  retryBaseMs: number;
  timeoutMs: number;
  log: Logger;
  now?: () => number;
}

/**
 * Webhooks: one signed JSON POST per alert and URL, durable. The delivery is stored before the
 * first try, so a restart resumes it; a 2xx marks it delivered (and it is never sent again); a
 * failure is retried with exponential back-off; after `maxAttempts` it is dead-lettered (kept
 * with its last error, and audited).
 */
export class WebhookSender {
  private readonly db;
  private readonly now: () => number;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: WebhookSenderOptions) {
    this.db = alertDb(options.db);
    this.now = options.now ?? Date.now;
  }

  /** Stores a delivery of `body` per URL (none again for an alert already enqueued) and tries each now. */
  async enqueue(alertId: string, body: unknown): Promise<void> {
    this.start(await this.store(this.options.db, alertId, body));
  }

  /**
   * Stores a delivery of `body` per URL through `db` (a transaction of the caller's) without trying
   * it; returns the ids of the new deliveries, for `start` once that transaction has committed.
   */
  async store(db: Kysely<Database>, alertId: string, body: unknown): Promise<string[]> {
    if (this.options.urls.length === 0) return [];
    const t = this.now();
    const text = JSON.stringify(body);
    const ids: string[] = [];
    for (const url of this.options.urls) {
      const id = `wd_${randomUUID()}`;
      const result = await alertDb(db)
        .insertInto('webhook_deliveries')
        .values({
          id,
          alert_id: alertId,
          url,
          body: text,
          status: 'pending',
          attempts: 0,
          next_attempt_at: t,
          last_status: null,
          last_error: null,
          created_at: t,
          updated_at: t,
        })
        .onConflict((oc) => oc.columns(['alert_id', 'url']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) ids.push(id);
    }
    return ids;
  }

  /** Tries stored deliveries now (the ids `store` returned). */
  start(ids: readonly string[]): void {
    for (const id of ids) this.schedule(id, 0);
  }

  /** After a restart: schedules every pending delivery at its due time. */
  async resume(): Promise<number> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'next_attempt_at'])
      .where('status', '=', 'pending')
      .execute();
    for (const r of rows) this.schedule(r.id, Math.max(0, Number(r.next_attempt_at ?? 0) - this.now()));
    return rows.length;
  }

  /** The delivery log, newest first; filter by status or alert. */
  async list(filter: {
    status?: DeliveryStatus;
    alertId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<WebhookDelivery>> {
    const limit = checkPageLimit(filter.limit);
    let q = this.db.selectFrom('webhook_deliveries').selectAll();
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.alertId !== undefined) q = q.where('alert_id', '=', filter.alertId);
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const rows = await newestFirst(q, { time: 'created_at', id: 'id' }, after, limit).execute();
    const toDelivery = (r: (typeof rows)[number]): WebhookDelivery => {
      const d: WebhookDelivery = {
        id: r.id,
        alertId: r.alert_id,
        url: r.url,
        status: r.status as DeliveryStatus,
        attempts: r.attempts,
        createdAt: Number(r.created_at),
        updatedAt: Number(r.updated_at),
      };
      if (r.status === 'pending' && r.next_attempt_at !== null) d.nextAttemptAt = Number(r.next_attempt_at);
      if (r.last_status !== null) d.lastStatus = r.last_status;
      if (r.last_error !== null) d.lastError = r.last_error;
      return d;
    };
    return pageOf(rows, limit, toDelivery, (r) => ({ t: Number(r.created_at), id: r.id }));
  }

  /** Resolves once nothing is in flight or scheduled (every delivery delivered or dead). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops retrying (pending deliveries stay stored for the next start) and waits for tries in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(id: string, delayMs: number): void {
    if (this.closed || this.timers.has(id)) return;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      const run = this.attempt(id).catch((err: unknown) =>
        this.options.log.error({ err, delivery: id }, 'webhook delivery bookkeeping failed'),
      );
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }, delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  private async attempt(id: string): Promise<void> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row?.status !== 'pending') return;
    const attempts = row.attempts + 1;
    let status: number | undefined;
    let error: string | undefined;
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'loginguard-webhook/1',
          'x-loginguard-delivery': row.id,
          'x-loginguard-attempt': String(attempts),
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, Math.floor(this.now() / 1000), row.body),
        },
        body: row.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
    const t = this.now();
    const base = { attempts, last_status: status ?? null, last_error: error ?? null, updated_at: t };
    if (error === undefined) {
      await this.db
        .updateTable('webhook_deliveries')
        .set({ ...base, status: 'delivered', next_attempt_at: null })
        .where('id', '=', id)
        .execute();
      return;
    }
    if (attempts >= this.options.maxAttempts) {
      await this.db
        .updateTable('webhook_deliveries')
        .set({ ...base, status: 'dead', next_attempt_at: null })
        .where('id', '=', id)
        .execute();
      await new AuditRepository(this.options.db).append([
        {
          at: t,
          actor: 'loginguard',
          action: 'webhook.dead_letter',
          target: row.alert_id,
          detail: { delivery: id, url: row.url, attempts, lastError: error },
        },
      ]);
      this.options.log.warn({ delivery: id, url: row.url, attempts, error }, 'webhook dead-lettered');
      return;
    }
    const delay = this.options.retryBaseMs * 2 ** (attempts - 1);
    await this.db
      .updateTable('webhook_deliveries')
      .set({ ...base, status: 'pending', next_attempt_at: t + delay })
      .where('id', '=', id)
      .execute();
    this.schedule(id, delay);
  }
}
