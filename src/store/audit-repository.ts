import { type Insertable, type Kysely, sql } from 'kysely';
import { flaggedOnly, reasonCodesOf } from './assessment-repository.js';
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

/**
 * An entry as listed, with its id: the row's sequence number (as a string), or
 * `decision:<eventId>` for a decision (listed from its assessment).
 */
export interface StoredAuditEntry extends AuditEntry {
  id: string;
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
 * The audit log: the rows of `audit_log` (admin actions, locks, mails…) and every decision, read
 * from its assessment (an assessment is written once and never changed either). Append-only by
 * construction: this class has no update or delete method and no other code writes the table, so
 * an entry, once written, stays as written. (A database
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
   * A page of entries, newest first. Decisions come from the assessments (each is its audit entry:
   * migration 0007), everything else from `audit_log`. Within a millisecond decisions come first,
   * latest login first (a batch's decisions are all stored in the same millisecond), then the
   * log's rows, latest appended first.
   *
   * @throws InvalidCursorError for a cursor this store did not produce; RangeError for a bad limit.
   */
  async list(filter: AuditFilter): Promise<Page<StoredAuditEntry>> {
    const limit = checkPageLimit(filter.limit);
    const after = filter.cursor === undefined ? undefined : decodeAuditCursor(filter.cursor);
    const decisionsOnly = filter.action?.startsWith(DECISION_ACTION) ?? false;
    const withDecisions =
      (filter.action === undefined || decisionsOnly) &&
      (filter.actor === undefined || filter.actor === DECIDER);
    const logged = decisionsOnly ? [] : await this.logged(filter, after, limit);
    const decided = withDecisions ? await this.decisions(filter, after, limit) : [];
    // Two newest-first lists of up to limit + 1 each: their merge's first limit + 1 are the page's.
    const merged: Listed[] = [];
    let i = 0;
    let j = 0;
    while (merged.length <= limit && (i < logged.length || j < decided.length)) {
      const l = logged[i];
      const d = decided[j];
      if (d !== undefined && (l === undefined || d.entry.at >= l.entry.at)) {
        merged.push(d);
        j++;
      } else if (l !== undefined) {
        merged.push(l);
        i++;
      }
    }
    return pageOf(
      merged,
      limit,
      (e) => e.entry,
      (e) => ({ t: e.entry.at, id: e.key }),
    );
  }

  /** Up to limit + 1 rows of `audit_log` after the cursor, as entries. */
  private async logged(
    filter: AuditFilter,
    after: AuditCursor | undefined,
    limit: number,
  ): Promise<Listed[]> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
    // The decision rows written before migration 0007 are listed from their assessments.
    q =
      filter.action === undefined
        ? q.where('action', 'not like', `${DECISION_ACTION}%`)
        : q.where('action', '=', filter.action);
    if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('at', '<', filter.to);
    // After a decision, the log's rows of that millisecond are all still to come.
    if (after?.decision !== undefined) q = q.where('at', '<=', after.t);
    const rows = await newestFirst(
      q,
      { time: 'at', id: 'id' },
      after?.logId === undefined ? undefined : { t: after.t, id: after.logId },
      limit,
    ).execute();
    return rows.map((r): Listed => {
      const entry: StoredAuditEntry = {
        id: String(r.id),
        at: Number(r.at),
        actor: r.actor,
        action: r.action,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
      };
      if (r.target !== null) entry.target = r.target;
      if (r.source_ip !== null) entry.sourceIp = r.source_ip;
      return { entry, key: entry.id };
    });
  }

  /**
   * Up to limit + 1 decisions after the cursor, as the entries the audit log shows for them:
   * newest stored first, then by the login's own time and event id (index assessments_created_ts_event).
   */
  private async decisions(
    filter: AuditFilter,
    after: AuditCursor | undefined,
    limit: number,
  ): Promise<Listed[]> {
    const rows = await decisionsQuery(this.db, filter, after, limit).execute();
    return rows.map((r) => ({
      entry: {
        id: `${DECISION_ID}${r.event_id}`,
        at: Number(r.created_at),
        actor: DECIDER,
        action: `${DECISION_ACTION}${r.action}`,
        target: r.user_id,
        detail: {
          eventId: r.event_id,
          riskScore: r.risk_score,
          reasons: reasonCodesOf(r.reason_codes),
        },
      },
      key: `${DECISION_ID}${Number(r.ts)}:${r.event_id}`,
    }));
  }
}

/**
 * A page of decisions read from `assessments`, in the audit log's order (exported for the test of
 * its query plan).
 *
 * Filtered by `decision.allow`, the rows are read through the index in the log's order and
 * tested one by one (`action || ''` keeps the planner off the action index): nearly every login is
 * allowed, so a page fills at once. Through `assessments_action_ts_id` every allow decision ever
 * stored was read and sorted for each page. The rarer actions (challenge, deny) still go through
 * that index: their rows are few to sort, and walking the whole log for them could be long.
 */
export function decisionsQuery(
  db: Kysely<Database>,
  filter: Pick<AuditFilter, 'action' | 'from' | 'to'>,
  after: AuditCursor | undefined,
  limit: number,
) {
  let q = db
    .selectFrom('assessments')
    .select(['event_id', 'user_id', 'ts', 'action', 'risk_score', 'reason_codes', 'created_at']);
  if (filter.action !== undefined) {
    const action = filter.action.slice(DECISION_ACTION.length);
    q =
      action === 'allow'
        ? q.where(sql<string>`${sql.ref('action')} || ''`, '=', action)
        : flaggedOnly(q.where('action', '=', action), action);
  }
  if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('created_at', '<', filter.to);
  // After a row of the log, the decisions of that millisecond have all been listed.
  if (after?.logId !== undefined) q = q.where('created_at', '<', after.t);
  const d = after?.decision;
  return newestFirst(
    q,
    { time: 'created_at', id: ['ts', 'event_id'] },
    d === undefined || after === undefined ? undefined : { t: after.t, id: [d.ts, d.eventId] },
    limit,
  );
}

/** Who decides: the actor of every decision entry. */
const DECIDER = 'loginguard';
/** The prefix of a decision's action (`decision.allow`, …). */
const DECISION_ACTION = 'decision.';
/** The prefix of a decision entry's id, before its event id; a log row's id is a number. */
const DECISION_ID = 'decision:';

/** An entry and its place in the list (the id of a page cursor that ends at it). */
interface Listed {
  entry: StoredAuditEntry;
  /** A log row's id, or `decision:<ts>:<eventId>`. */
  key: string;
}

/** Where a page ended, at `t`: at a row of the log (`logId`) or at a decision. */
interface AuditCursor {
  t: number;
  logId?: number;
  decision?: { ts: number; eventId: string };
}

/** @throws InvalidCursorError */
function decodeAuditCursor(cursor: string): AuditCursor {
  const key = decodeCursor(cursor);
  const decision = /^decision:(-?\d{1,16}):(.+)$/s.exec(key.id);
  if (decision) return { t: key.t, decision: { ts: Number(decision[1]), eventId: decision[2] as string } };
  // Log ids are integers: a cursor with another id was not made here.
  if (!/^\d{1,15}$/.test(key.id)) throw new InvalidCursorError(cursor);
  return { t: key.t, logId: Number(key.id) };
}
