import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * Runs `work` in a transaction: a new one, or the caller's when the repository was built on a
 * transaction (`new EventRepository(trx)`), so that a caller can group several repositories'
 * writes in one commit (Kysely cannot nest `transaction()`).
 */
export function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
