import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * What identifies a stored event or assessment: its id and its own time. The tables are keyed by
 * (time, id) so that inserts append (see the initial migration); a LoginEvent is an EventKey.
 */
export interface EventKey {
  eventId: string;
  /** The event's timestamp, epoch ms. */
  timestampMs: number;
}

/**
 * `(ts, event_id) IN ((…), …)` for a table keyed by (ts, event_id) (events, assessments): one probe
 * of the primary key per key. Written as SQL because Kysely's tuple builder cannot be typed for
 * either table at once; row values are standard SQL (SQLite ≥ 3.15, PostgreSQL).
 */
export function keyIn(keys: readonly EventKey[]): RawBuilder<SqlBool> {
  const rows = keys.map((k) => sql`(${k.timestampMs}, ${k.eventId})`);
  return sql<SqlBool>`(${sql.ref('ts')}, ${sql.ref('event_id')}) in (${sql.join(rows)})`;
}

/**
 * An event's key as one string, for sets and maps in memory: two events with the same id and
 * different times are two events (as in the tables).
 */
export function eventKey(k: EventKey): string {
  return `${k.timestampMs} ${k.eventId}`;
}
