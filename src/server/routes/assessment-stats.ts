import { type Kysely, sql } from 'kysely';
import { REASON_CODES, type ReasonCode } from '../../detect/reason-codes.js';
import type { Database } from '../../store/database.js';

/** Counts of one time bucket, by action and by risk level. */
export interface StatsBucket {
  /** Start of the bucket, epoch ms (a multiple of the bucket size). */
  t: number;
  total: number;
  allow: number;
  challenge: number;
  deny: number;
  low: number;
  medium: number;
  high: number;
  critical: number;
}

/**
 * Aggregates over the assessments whose event time is in `[from, to)`: counts per bucket and
 * the reason codes by how many assessments give them. Everything is counted by the database
 * (one range scan on the time key per query), so the answer's size depends on the number of
 * buckets, never on the number of events.
 *
 * @example
 * await assessmentStats(db, { from: Date.now() - 86_400_000, to: Date.now(), bucketMs: 3_600_000 });
 */
export interface AssessmentStats {
  from: number;
  to: number;
  bucketMs: number;
  /** Only buckets holding at least one assessment, oldest first. */
  buckets: StatsBucket[];
  totals: Omit<StatsBucket, 't'>;
  /** Reason codes given at least once, most frequent first. */
  topReasons: { code: ReasonCode; count: number }[];
}

const ACTIONS = ['allow', 'challenge', 'deny'] as const;
const LEVELS = ['low', 'medium', 'high', 'critical'] as const;

export async function assessmentStats(
  db: Kysely<Database>,
  range: { from: number; to: number; bucketMs: number },
): Promise<AssessmentStats> {
  const { from, to, bucketMs } = range;
  if (!Number.isInteger(bucketMs) || bucketMs <= 0)
    throw new RangeError('bucketMs must be a positive integer');
  // Integer division on both SQLite and PostgreSQL (bigint / integer literal).
  const bucket = sql<number>`(ts / ${sql.lit(bucketMs)}) * ${sql.lit(bucketMs)}`;
  const countWhere = (column: 'action' | 'risk_level', value: string) =>
    sql<number>`sum(case when ${sql.ref(column)} = ${value} then 1 else 0 end)`;

  const rows = await db
    .selectFrom('assessments')
    .select((eb) => [
      bucket.as('t'),
      eb.fn.countAll<number>().as('total'),
      ...ACTIONS.map((a) => countWhere('action', a).as(a)),
      ...LEVELS.map((l) => countWhere('risk_level', l).as(l)),
    ])
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .groupBy(bucket)
    .orderBy(bucket)
    .execute();

  const reasonRow = await db
    .selectFrom('assessments')
    .select(
      REASON_CODES.map((code) =>
        sql<number>`sum(case when reason_codes like ${likeReason(code)} escape '\\' then 1 else 0 end)`.as(
          code,
        ),
      ),
    )
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .executeTakeFirst();

  const buckets: StatsBucket[] = rows.map((r) => {
    const row = r as unknown as Record<string, number | string | null>;
    const n = (k: string) => Number(row[k] ?? 0);
    return {
      t: n('t'),
      total: n('total'),
      allow: n('allow'),
      challenge: n('challenge'),
      deny: n('deny'),
      low: n('low'),
      medium: n('medium'),
      high: n('high'),
      critical: n('critical'),
    };
  });
  const totals = { total: 0, allow: 0, challenge: 0, deny: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const b of buckets) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += b[k];
  const reasonCounts = (reasonRow ?? {}) as Record<string, number | string | null>;
  const topReasons = REASON_CODES.map((code) => ({ code, count: Number(reasonCounts[code] ?? 0) }))
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  return { from, to, bucketMs, buckets, totals, topReasons };
}

// `_` is a LIKE wildcard and reason codes are full of them (same as the assessment repository).
function likeReason(code: string): string {
  return `%,${code.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
}
