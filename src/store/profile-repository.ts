import type { Kysely } from 'kysely';
import { decodeProfile, encodeProfile } from '../profile/profile-codec.js';
import type { UserProfile } from '../profile/user-profile.js';
import { chunked } from './chunked.js';
import type { Database } from './database.js';
import { inTransaction } from './in-transaction.js';

/** Per-user baselines, stored as `encodeProfile` text. */
export class ProfileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** @throws Error naming the user when the stored profile cannot be read. */
  async get(userId: string): Promise<UserProfile | undefined> {
    const row = await this.db
      .selectFrom('user_profiles')
      .select('profile')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : decodeStored(userId, row.profile);
  }

  /** The stored profiles of these users; users without one are absent from the map. */
  async getMany(userIds: readonly string[]): Promise<Map<string, UserProfile>> {
    const out = new Map<string, UserProfile>();
    for (const chunk of chunked([...new Set(userIds)], 1)) {
      const rows = await this.db
        .selectFrom('user_profiles')
        .select(['user_id', 'profile'])
        .where('user_id', 'in', chunk)
        .execute();
      for (const row of rows) out.set(row.user_id, decodeStored(row.user_id, row.profile));
    }
    return out;
  }

  /** Inserts or replaces these profiles, in one transaction. */
  async putMany(profiles: ReadonlyMap<string, UserProfile>, updatedAt: number = Date.now()): Promise<void> {
    const encoded = new Map<string, string>();
    for (const [userId, profile] of profiles) encoded.set(userId, encodeProfile(profile));
    await this.putManyEncoded(encoded, updatedAt);
  }

  /**
   * {@link putMany} for profiles already encoded with `encodeProfile` (a caller that snapshots
   * a profile when it changes, before later events change it again).
   */
  async putManyEncoded(profiles: ReadonlyMap<string, string>, updatedAt: number = Date.now()): Promise<void> {
    if (profiles.size === 0) return;
    const rows = [...profiles].map(([userId, profile]) => ({
      user_id: userId,
      profile,
      updated_at: updatedAt,
    }));
    await inTransaction(this.db, async (trx) => {
      for (const chunk of chunked(rows, 3)) {
        await trx
          .insertInto('user_profiles')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet((eb) => ({
              profile: eb.ref('excluded.profile'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }
}

function decodeStored(userId: string, text: string): UserProfile {
  try {
    return decodeProfile(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`stored profile of user ${JSON.stringify(userId)} is unreadable: ${reason}`, {
      cause: error,
    });
  }
}
