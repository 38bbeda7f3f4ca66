import type { Insertable, Kysely } from 'kysely';
import { chunked } from './chunked.js';
import type { Database } from './database.js';
import { inTransaction } from './in-transaction.js';
import {
  checkPageLimit,
  decodeCursor,
  InvalidCursorError,
  newestFirst,
  type Page,
  pageOf,
} from './page-cursor.js';
import { ReusedInsert } from './reused-insert.js';

/** An `audit_log` row as written. */
export type AuditRow = Insertable<Database['audit_log']>;

const INSERT_AUDIT = new ReusedInsert<AuditRow>(
  ['at', 'actor', 'action', 'target', 'source_ip', 'detail'],
  (db, rows) => db.insertInto('audit_log').values(rows),
);

/**
 * One thing a person or a key did: who (`actor`, e.g. `key:ak_…` or `cli`), what (`action`,
 * e.g. `api_key.create`, `alert.resolve`, `feedback.confirm`), to what (`target`), from where.
 */
export interface AuditEntry {
  /** Epoch ms. */
  at: number;
  actor: string;
  action: string;
  target?: string;
  sourceIp?: string;
  detail?: Record<string, unknown>;
}

/** An entry as stored, with its sequence number. */
export interface StoredAuditEntry extends AuditEntry {
  id: number;
  detail: Record<string, unknown>;
}

/** Newest first by `at`; `from` inclusive, `to` exclusive. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  from?: number;
  to?: number;
  /** 1..1000 */
  limit: number;
  cursor?: string;
}

/**
 * The audit log. Append-only by construction: this class has no update or delete method and no
 * other code writes the table, so an entry, once written, stays as written. (A database
 * administrator can still change rows; shipping the log to write-once storage is the answer to
 * that, not a trigger.)
 */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The rows of `entries`, encoded. Pure: a writer that shares the database's one write lock
   * encodes before it begins its transaction (see {@link GroupCommit}), not while holding it.
   */
  static rowsOf(entries: readonly AuditEntry[]): AuditRow[] {
    return entries.map((e) => ({
      at: e.at,
      actor: e.actor,
      action: e.action,
      target: e.target ?? null,
      source_ip: e.sourceIp ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    }));
  }

  /** Appends entries in one transaction, in the order given. */
  append(entries: readonly AuditEntry[]): Promise<void> {
    return this.appendRows(AuditRepository.rowsOf(entries));
  }

  /** {@link append} for rows from {@link AuditRepository.rowsOf}. */
  async appendRows(rows: readonly AuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    await inTransaction(this.db, async (trx) => {
      for (const chunk of chunked(rows, 6)) await INSERT_AUDIT.execute(trx, chunk);
    });
  }

  /**
   * A page of entries, newest first (then by id).
   *
   * @throws InvalidCursorError for a cursor this store did not produce; RangeError for a bad limit.
   */
  async list(filter: AuditFilter): Promise<Page<StoredAuditEntry>> {
    const limit = checkPageLimit(filter.limit);
    let q = this.db.selectFrom('audit_log').selectAll();
    if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
    if (filter.action !== undefined) q = q.where('action', '=', filter.action);
    if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('at', '<', filter.to);
    let after: { t: number; id: number } | undefined;
    if (filter.cursor !== undefined) {
      const key = decodeCursor(filter.cursor);
      // Audit ids are integers: a cursor with another id was not made here.
      if (!/^\d{1,15}$/.test(key.id)) throw new InvalidCursorError(filter.cursor);
      after = { t: key.t, id: Number(key.id) };
    }
    const rows = await newestFirst(q, { time: 'at', id: 'id' }, after, limit).execute();
    const toEntry = (r: (typeof rows)[number]): StoredAuditEntry => {
      const entry: StoredAuditEntry = {
        id: Number(r.id),
        at: Number(r.at),
        actor: r.actor,
        action: r.action,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      };
      if (r.target !== null) entry.target = r.target;
      if (r.source_ip !== null) entry.sourceIp = r.source_ip;
      return entry;
    };
    return pageOf(rows, limit, toEntry, (r) => ({ t: Number(r.at), id: String(r.id) }));
  }
}
