import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * A multi-row INSERT whose SQL text Kysely compiles once per row count and dialect, then reused
 * with fresh parameters.
 *
 * Why: the worker inserts hundreds of rows per statement on every batch, and walking them through
 * Kysely's builder (`values()` parses each row into nodes, then compiles them) cost about half of
 * the insert on the scoring thread (bench/service-load.mjs, --cpu-prof). The text still comes from
 * Kysely's compiler for the database at hand, so it stays right for SQLite and PostgreSQL alike;
 * the parameters are the rows' values in `columns` order, which the first compile checks.
 */
export class ReusedInsert<Row extends Record<string, unknown>> {
  private readonly texts = new Map<unknown, Map<number, string>>();

  constructor(
    private readonly columns: readonly (keyof Row & string)[],
    /** The builder for `rows`: `(db, rows) => db.insertInto(…).values(rows)…`. */
    private readonly build: (db: Kysely<Database>, rows: Row[]) => { compile(): CompiledQuery },
  ) {}

  /** Inserts `rows` in one statement; returns the rows the database reports as inserted. */
  async execute(db: Kysely<Database>, rows: Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    const params: unknown[] = [];
    for (const row of rows) {
      for (const column of this.columns) {
        const value = row[column];
        // Kysely writes DEFAULT for a missing value, which would change the text: rows carry null.
        if (value === undefined) throw new Error(`ReusedInsert: ${column} is undefined`);
        params.push(value);
      }
    }
    const text = this.textFor(db, rows, params);
    const result = await db.executeQuery(CompiledQuery.raw(text, params));
    return Number(result.numAffectedRows ?? 0n);
  }

  private textFor(db: Kysely<Database>, rows: Row[], params: unknown[]): string {
    // The adapter's class tells the dialect apart (transactions share their database's adapter).
    const dialect = db.getExecutor().adapter.constructor;
    let bySize = this.texts.get(dialect);
    if (!bySize) {
      bySize = new Map();
      this.texts.set(dialect, bySize);
    }
    let text = bySize.get(rows.length);
    if (text === undefined) {
      const compiled = this.build(db, rows).compile();
      const same =
        compiled.parameters.length === params.length && compiled.parameters.every((p, i) => p === params[i]);
      if (!same) throw new Error('ReusedInsert: the columns do not match the compiled statement');
      text = compiled.sql;
      bySize.set(rows.length, text);
    }
    return text;
  }
}
