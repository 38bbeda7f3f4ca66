import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { RiskLevel } from '../event/assessment.js';
import { chunked } from './chunked.js';
import type { Database } from './database.js';
import { inTransaction } from './in-transaction.js';
import { checkPageLimit, decodeCursor, newestFirst, type Page, pageOf } from './page-cursor.js';

/** Where an alert is in its life: raised, seen by someone, closed. */
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved'];

/**
 * An alert as stored. `kind` says what raised it (e.g. `high_risk_login`, `account_locked`);
 * `body` is whatever the alerting code wants to keep with it (the assessment, channels notified…).
 */
export interface StoredAlert {
  id: string;
  eventId: string;
  userId: string;
  kind: string;
  severity: RiskLevel;
  /** Epoch ms. */
  createdAt: number;
  status: AlertStatus;
  body: Record<string, unknown>;
}

/** A new alert: `id` defaults to a random `al_…` id, `status` to `open`. */
export type NewAlert = Omit<StoredAlert, 'id' | 'status'> & { id?: string; status?: AlertStatus };

/** Newest first by `createdAt`; `from` inclusive, `to` exclusive. */
export interface AlertFilter {
  userId?: string;
  status?: AlertStatus;
  kind?: string;
  severity?: RiskLevel;
  /** Alerts whose evidence names this reason code (e.g. `BRUTE_FORCE`). */
  reason?: string;
  /** Alerts whose evidence names this IP address. */
  ip?: string;
  from?: number;
  to?: number;
  /** 1..1000 */
  limit: number;
  cursor?: string;
}

export class AlertRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores alerts in one transaction; an alert whose id exists already is skipped, so a caller
   * that derives ids from the event and the kind gets de-duplication on redelivery for free.
   * Returns the ids, in input order.
   */
  async insertMany(alerts: readonly NewAlert[]): Promise<string[]> {
    const rows = alerts.map((a) => ({
      id: a.id ?? `al_${randomUUID()}`,
      event_id: a.eventId,
      user_id: a.userId,
      kind: a.kind,
      severity: a.severity,
      created_at: a.createdAt,
      status: a.status ?? 'open',
      body: JSON.stringify(a.body),
    }));
    if (rows.length === 0) return [];
    await inTransaction(this.db, async (trx) => {
      for (const chunk of chunked(rows, 8)) {
        await trx
          .insertInto('alerts')
          .values(chunk)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    });
    return rows.map((r) => r.id);
  }

  async get(id: string): Promise<StoredAlert | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toAlert(row);
  }

  /** Returns false when there is no such alert. */
  async setStatus(id: string, status: AlertStatus): Promise<boolean> {
    if (!ALERT_STATUSES.includes(status)) throw new RangeError(`unknown alert status ${String(status)}`);
    const result = await this.db
      .updateTable('alerts')
      .set({ status })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * A page of alerts, newest first (then by id, stable under ties).
   *
   * @throws InvalidCursorError for a cursor this store did not produce; RangeError for a bad limit.
   */
  async list(filter: AlertFilter): Promise<Page<StoredAlert>> {
    const limit = checkPageLimit(filter.limit);
    let q = this.db.selectFrom('alerts').selectAll();
    if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
    if (filter.severity !== undefined) q = q.where('severity', '=', filter.severity);
    // Reasons and IPs live in the alert's JSON evidence: matched as a quoted JSON string. A scan of
    // the alerts (one per incident, far fewer than logins); `%`, `_` and the escape character `!` in the value are escaped.
    if (filter.reason !== undefined)
      q = q.where(sql<boolean>`body like ${jsonStringPattern(filter.reason)} escape '!'`);
    if (filter.ip !== undefined)
      q = q.where(sql<boolean>`body like ${jsonStringPattern(filter.ip)} escape '!'`);
    if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('created_at', '<', filter.to);
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const rows = await newestFirst(q, { time: 'created_at', id: 'id' }, after, limit).execute();
    return pageOf(rows, limit, toAlert, (r) => ({ t: Number(r.created_at), id: r.id }));
  }
}

/** `%"value"%` for LIKE, with LIKE's wildcards in the value escaped. */
function jsonStringPattern(value: string): string {
  return `%${JSON.stringify(value).replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

function toAlert(row: {
  id: string;
  event_id: string;
  user_id: string;
  kind: string;
  severity: string;
  created_at: number | string;
  status: string;
  body: string;
}): StoredAlert {
  return {
    id: row.id,
    eventId: row.event_id,
    userId: row.user_id,
    kind: row.kind,
    severity: row.severity as RiskLevel,
    createdAt: Number(row.created_at),
    status: row.status as AlertStatus,
    body: JSON.parse(row.body) as Record<string, unknown>,
  };
}
