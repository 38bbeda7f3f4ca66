import { type Insertable, type Kysely, type Selectable, sql, type WhereInterface } from 'kysely';
import type { ReasonCode } from '../detect/reason-codes.js';
import type { Action, Assessment } from '../event/assessment.js';
import { chunked } from './chunked.js';
import type { Database } from './database.js';
import { type EventKey, eventKey, keyIn } from './event-key.js';
import { inTransaction } from './in-transaction.js';
import { checkPageLimit, decodeCursor, newestFirst, type Page, pageOf } from './page-cursor.js';
import { ReusedInsert } from './reused-insert.js';
import { userBucket } from './user-bucket.js';

/**
 * What {@link AssessmentRepository.list} returns. Newest first by the event's time; `from` is
 * inclusive and `to` exclusive (epoch ms of the event's timestamp).
 *
 * @example
 * const page = await assessments.list({ userId: 'alice', reason: 'NEW_DEVICE', limit: 50 });
 * const next = page.nextCursor && (await assessments.list({ userId: 'alice', reason: 'NEW_DEVICE', limit: 50, cursor: page.nextCursor }));
 */
export interface AssessmentFilter {
  userId?: string;
  from?: number;
  to?: number;
  action?: Action;
  /** Only assessments that give this reason. */
  reason?: ReasonCode;
  /** 1..1000 */
  limit: number;
  /** `nextCursor` of the previous page, with the same filter. */
  cursor?: string;
}

/** An `assessments` row as written. */
export type AssessmentRow = Insertable<Database['assessments']>;

const INSERT_ASSESSMENTS = new ReusedInsert<AssessmentRow>(
  [
    'event_id',
    'user_id',
    'user_bucket',
    'ts',
    'action',
    'risk_score',
    'risk_level',
    'reason_codes',
    'body',
    'created_at',
  ],
  (db, rows) =>
    db
      .insertInto('assessments')
      .values(rows)
      .onConflict((oc) => oc.columns(['ts', 'event_id']).doNothing()),
);

/** Assessments, one per event, with the columns the dashboard filters on. */
export class AssessmentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The rows of `assessments`, encoded. Pure: a writer that shares the database's one write lock
   * encodes before it begins its transaction (see {@link GroupCommit}), not while holding it.
   */
  static rowsOf(assessments: readonly Assessment[], createdAt: number): AssessmentRow[] {
    return assessments.map((a) => ({
      event_id: a.eventId,
      user_id: a.userId,
      user_bucket: userBucket(a.userId),
      ts: Date.parse(a.timestamp),
      action: a.action,
      risk_score: a.riskScore,
      risk_level: a.riskLevel,
      reason_codes: reasonCodesColumn(a),
      body: bodyOf(a),
      created_at: createdAt,
    }));
  }

  /**
   * Stores assessments in one transaction; one whose event is already assessed (same eventId and
   * timestamp) is skipped: the first assessment of an event stands. Returns how many were new.
   */
  insertMany(assessments: readonly Assessment[], createdAt: number): Promise<number> {
    return this.insertRows(AssessmentRepository.rowsOf(assessments, createdAt));
  }

  /** {@link insertMany} for rows from {@link AssessmentRepository.rowsOf}. */
  async insertRows(rows: readonly AssessmentRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return inTransaction(this.db, async (trx) => {
      let inserted = 0;
      for (const chunk of chunked(rows, 10)) inserted += await INSERT_ASSESSMENTS.execute(trx, chunk);
      return inserted;
    });
  }

  /**
   * The assessment of one event. With the event's timestamp this is one index lookup. Without,
   * there is no index on the id alone (see {@link EventKey}): the key index is read newest
   * first, so the cost grows with the number of assessments newer than the one asked for (a
   * miss reads all of it: ~7 ms per 200,000 rows in memory). Pass the time when it is known.
   */
  async get(eventId: string, timestampMs?: number): Promise<Assessment | undefined> {
    let q = this.db.selectFrom('assessments').select(STORED).where('event_id', '=', eventId);
    if (timestampMs !== undefined) q = q.where('ts', '=', timestampMs);
    // Without the time: walk the (ts, event_id) key from the newest row, which reads the id from
    // the index alone; recent events (what a client asks about) are found at once.
    const row = await q.orderBy('ts', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? undefined : assessmentOf(row);
  }

  /**
   * The keys ({@link eventKey}) of these events that are assessed already (the worker skips them on
   * redelivery).
   */
  async existing(events: readonly EventKey[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunked(events, 2)) {
      const rows = await this.db
        .selectFrom('assessments')
        .select(['event_id', 'ts'])
        .where(keyIn(chunk))
        .execute();
      for (const row of rows) found.add(eventKey({ eventId: row.event_id, timestampMs: Number(row.ts) }));
    }
    return found;
  }

  /**
   * A page of assessments, newest first (event time, then event id: stable when many events
   * share a millisecond).
   *
   * @throws InvalidCursorError for a cursor this store did not produce; RangeError for a bad limit.
   */
  async list(filter: AssessmentFilter): Promise<Page<Assessment>> {
    const limit = checkPageLimit(filter.limit);
    let q = this.db.selectFrom('assessments').select(STORED);
    // The bucket first: the per-user index is (user_bucket, ts, event_id, user_id).
    if (filter.userId !== undefined) {
      q = q.where('user_bucket', '=', userBucket(filter.userId)).where('user_id', '=', filter.userId);
    }
    if (filter.action !== undefined) q = flaggedOnly(q.where('action', '=', filter.action), filter.action);
    if (filter.from !== undefined) q = q.where('ts', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('ts', '<', filter.to);
    if (filter.reason !== undefined) {
      q = q.where(sql<boolean>`reason_codes like ${likeReason(filter.reason)} escape '\\'`);
    }
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const rows = await newestFirst(q, { time: 'ts', id: 'event_id' }, after, limit).execute();
    return pageOf(rows, limit, assessmentOf, (r) => ({ t: Number(r.ts), id: r.event_id }));
  }
}

/**
 * For a challenge or deny filter: the term that lets the planner use the index of those rows alone
 * (`assessments_flagged_ts_id`, partial: SQLite uses it only for a query that states its condition,
 * with the literal, not a parameter). Allowed logins are not in it and need no index.
 */
export function flaggedOnly<Q extends WhereInterface<Database, 'assessments'>>(
  q: Q,
  action: Action | string,
): Q {
  return action === 'allow' ? q : (q.where(sql.ref('action'), '<>', sql.lit('allow')) as Q);
}

/** The columns an assessment is read back from ({@link assessmentOf}). */
const STORED = ['event_id', 'user_id', 'ts', 'risk_score', 'risk_level', 'action', 'body'] as const;

/**
 * The `body` column: the assessment's JSON without what its own columns hold (ids, time, score,
 * level, action). Those are a third of it (~170 of ~470 bytes with UUIDs); the table is the
 * largest the worker writes, and every byte is written twice (WAL, then the database file).
 */
function bodyOf(assessment: Assessment): string {
  const { eventId, userId, timestamp, riskScore, riskLevel, action, ...rest } = assessment;
  return JSON.stringify(rest);
}

/**
 * An assessment from its row: the columns, then the body. Rows written before the body was
 * slimmed (session 26) hold those fields in the body too, with the same values.
 */
function assessmentOf(row: Pick<Selectable<Database['assessments']>, (typeof STORED)[number]>): Assessment {
  return {
    eventId: row.event_id,
    userId: row.user_id,
    timestamp: new Date(Number(row.ts)).toISOString(),
    riskScore: row.risk_score,
    riskLevel: row.risk_level as Assessment['riskLevel'],
    action: row.action as Action,
    ...(JSON.parse(row.body) as Omit<Assessment, InColumns>),
  };
}

/** The fields of an assessment that {@link bodyOf} leaves to the columns. */
type InColumns = 'eventId' | 'userId' | 'timestamp' | 'riskScore' | 'riskLevel' | 'action';

/** The codes of a `reason_codes` column ({@link reasonCodesColumn}), in the assessment's order. */
export function reasonCodesOf(column: string): string[] {
  return column.split(',').filter((code) => code !== '');
}

/** `,CODE_A,CODE_B,` (`,` when there is no reason). */
function reasonCodesColumn(assessment: Pick<Assessment, 'reasons'>): string {
  let out = ',';
  for (const r of assessment.reasons) out += `${r.code},`;
  return out;
}

// `_` is a LIKE wildcard and reason codes are full of them: escape it (and `%`, `\`), so that
// NEW_DEVICE cannot match NEWXDEVICE.
function likeReason(code: string): string {
  return `%,${code.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
}
