import { type SelectQueryBuilder, sql } from 'kysely';

/**
 * A page cursor for newest-first lists: the sort key of the last row returned, `[time, id]`,
 * as base64url JSON. Opaque to clients (they pass back `nextCursor` as it came); the id breaks
 * ties between rows of the same millisecond, so a page boundary never skips or repeats a row.
 */
export interface PageKey {
  t: number;
  id: string;
}

/** One page of a list; `nextCursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A cursor that was not produced by this store (mangled, truncated, from another list). */
export class InvalidCursorError extends Error {
  readonly code = 'LG_ERR_INVALID_CURSOR';

  constructor(cursor: string) {
    super(`cursor ${JSON.stringify(cursor.slice(0, 64))} is not one this server returned`);
    this.name = 'InvalidCursorError';
  }
}

/**
 * The page from a newest-first query that asked for `limit + 1` rows: the extra row only says
 * there is more, and the last row kept gives the cursor.
 */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => PageKey,
): Page<Item> {
  const items = rows.slice(0, limit).map(toItem);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return last === undefined ? { items } : { items, nextCursor: encodeCursor(keyOf(last)) };
}

/**
 * Orders a list query newest first by (time, id), starts it after `after` (the decoded cursor) and
 * asks for `limit + 1` rows, the extra one for {@link pageOf}. Every list in the store pages the
 * same way; the column names are the table's time and id columns. The id may be several columns
 * (ties broken by the first, then the next…), compared as one row value: `after.id` then has a
 * value for each.
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  columns: { time: string; id: string | readonly string[] },
  after: { t: number; id: string | number | readonly (string | number)[] } | undefined,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const time = sql.ref(columns.time);
  const ids = (typeof columns.id === 'string' ? [columns.id] : columns.id).map((c) => sql.ref(c));
  let rest = query;
  if (after !== undefined) {
    const values = Array.isArray(after.id) ? after.id : [after.id];
    if (values.length !== ids.length)
      throw new Error(`a cursor of ${values.length} ids for ${ids.length} columns`);
    const id = sql`(${sql.join(ids)})`;
    const value = sql`(${sql.join(values)})`;
    // time <= t narrows the index range; the OR then drops the rows of that millisecond already shown.
    rest = query.where(sql<boolean>`${time} <= ${after.t} and (${time} < ${after.t} or ${id} < ${value})`);
  }
  let ordered = rest.orderBy(time, 'desc');
  for (const id of ids) ordered = ordered.orderBy(id, 'desc');
  return ordered.limit(limit + 1);
}

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.t, key.id])).toString('base64url');
}

/** @throws InvalidCursorError */
export function decodeCursor(cursor: string): PageKey {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !Number.isSafeInteger(value[0]) ||
    typeof value[1] !== 'string'
  ) {
    throw new InvalidCursorError(cursor);
  }
  return { t: value[0] as number, id: value[1] as string };
}

/** The most rows one list call returns. */
export const MAX_PAGE_SIZE = 1000;

/** @throws RangeError unless 1 ≤ limit ≤ {@link MAX_PAGE_SIZE}. */
export function checkPageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  return limit;
}
