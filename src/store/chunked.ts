/**
 * Bound parameters per statement. SQLite's limit is 32,766 (SQLITE_MAX_VARIABLE_NUMBER, as
 * better-sqlite3 builds it), PostgreSQL's 65,535: the smaller one, so the same chunking serves both.
 */
export const MAX_SQL_PARAMETERS = 32_766;

/**
 * Rows per multi-row statement. Large enough that per-statement costs vanish, small enough that
 * a few chunk sizes repeat (the statement cache keys on the SQL text, which grows with the rows).
 */
export const MAX_ROWS_PER_STATEMENT = 500;

/** Splits `items` into slices that fit one statement of `columnsPerRow` parameters per row. */
export function chunked<T>(items: readonly T[], columnsPerRow: number): T[][] {
  const size = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_SQL_PARAMETERS / columnsPerRow)));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
