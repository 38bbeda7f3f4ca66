import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';

/**
 * Runs writes that need not survive a power loss on a connection opened with
 * `synchronous = FULL` without the fsync: the transaction commits with NORMAL (written to the
 * WAL, which a crash of the process keeps; SQLite's WAL stays consistent, and a power loss keeps a
 * prefix of the commits). The thread then does not wait for the disk while it holds the
 * database's one write lock, and the sync does not flush the other connection's unsynced commits
 * on its time. For the worker's own writes (assessments it will find again, acks, the take's mark)
 * whose loss only makes it score its last events again; never for what a caller is answered from.
 * On a connection opened with NORMAL it changes nothing.
 */
export class RelaxedCommit {
  /** The connection's `synchronous` level, read once. */
  private level: Promise<number> | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** Runs `write` (which opens its own transaction) on a connection reserved for it, relaxed. */
  async run<T>(write: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const level = await this.levelOf();
    if (level < FULL) return write(this.db);
    // One reserved connection for the switch, the transaction and the switch back: another user of
    // the connection never commits with the relaxed setting.
    return this.db.connection().execute(async (conn) => {
      await sql`PRAGMA synchronous = NORMAL`.execute(conn);
      try {
        return await write(conn);
      } finally {
        await sql.raw(`PRAGMA synchronous = ${level}`).execute(conn);
      }
    });
  }

  private levelOf(): Promise<number> {
    this.level ??= sql<{ synchronous: number }>`PRAGMA synchronous`
      .execute(this.db)
      .then(({ rows }) => Number(rows[0]?.synchronous))
      .catch((err: unknown) => {
        this.level = undefined;
        throw err;
      });
    return this.level;
  }
}

/** SQLite's `synchronous` levels: 1 NORMAL, 2 FULL, 3 EXTRA. */
const FULL = 2;
