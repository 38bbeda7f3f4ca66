import type { Kysely } from 'kysely';
import type { LockState } from '../decide/lockout.js';
import { chunked } from './chunked.js';
import type { Database } from './database.js';
import { inTransaction } from './in-transaction.js';

/** A user and their lock, as {@link LockoutRepository.listLocked} returns them. */
export interface UserLock {
  userId: string;
  lock: LockState;
}

/**
 * Account locks (`LockState` per user). A user's row stays after the lock expires, because the
 * lock count drives the progressive back-off; the pipeline clears it (`setLock(user, undefined)`
 * → {@link LockoutRepository.delete}) once the sequence resets.
 */
export class LockoutRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(userId: string): Promise<LockState | undefined> {
    const row = await this.db
      .selectFrom('lockouts')
      .select('lock')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.lock) as LockState);
  }

  /** The locks of these users; users without one are absent from the map. */
  async getMany(userIds: readonly string[]): Promise<Map<string, LockState>> {
    const out = new Map<string, LockState>();
    for (const chunk of chunked([...new Set(userIds)], 1)) {
      const rows = await this.db
        .selectFrom('lockouts')
        .select(['user_id', 'lock'])
        .where('user_id', 'in', chunk)
        .execute();
      for (const row of rows) out.set(row.user_id, JSON.parse(row.lock) as LockState);
    }
    return out;
  }

  async put(userId: string, lock: LockState, updatedAt: number = Date.now()): Promise<void> {
    await this.putMany(new Map([[userId, lock]]), updatedAt);
  }

  /** Inserts or replaces these locks, in one transaction. */
  async putMany(locks: ReadonlyMap<string, LockState>, updatedAt: number = Date.now()): Promise<void> {
    if (locks.size === 0) return;
    const rows = [...locks].map(([userId, lock]) => ({
      user_id: userId,
      lock: JSON.stringify({ until: lock.until, count: lock.count, lastLockAt: lock.lastLockAt }),
      locked_until: lock.until,
      updated_at: updatedAt,
    }));
    await inTransaction(this.db, async (trx) => {
      for (const chunk of chunked(rows, 4)) {
        await trx
          .insertInto('lockouts')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet((eb) => ({
              lock: eb.ref('excluded.lock'),
              locked_until: eb.ref('excluded.locked_until'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }

  async delete(userId: string): Promise<void> {
    await this.deleteMany([userId]);
  }

  async deleteMany(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await inTransaction(this.db, async (trx) => {
      for (const chunk of chunked(userIds, 1)) {
        await trx.deleteFrom('lockouts').where('user_id', 'in', chunk).execute();
      }
    });
  }

  /** Users whose lock is still running at `nowMs`, soonest to expire first (at most `limit`). */
  async listLocked(nowMs: number, limit = 1000): Promise<UserLock[]> {
    const rows = await this.db
      .selectFrom('lockouts')
      .select(['user_id', 'lock'])
      .where('locked_until', '>', nowMs)
      .orderBy('locked_until')
      .orderBy('user_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ userId: r.user_id, lock: JSON.parse(r.lock) as LockState }));
  }
}
