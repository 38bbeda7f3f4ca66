import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeProfile, encodeProfile } from '../../src/profile/profile-codec.js';
import type { UserProfile } from '../../src/profile/user-profile.js';
import type { Database } from '../../src/store/database.js';
import { ProfileRepository } from '../../src/store/profile-repository.js';
import { MONDAY_10_DELHI, testPipeline } from '../helpers/login-events.js';
import { openTestDatabase } from './temp-database.js';

let db: Kysely<Database>;
let profiles: ProfileRepository;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const t = await openTestDatabase();
  db = t.db;
  profiles = new ProfileRepository(db);
  cleanup = t.cleanup;
});
afterEach(async () => cleanup());

/** A real baseline: 20 days of a user's logins through the pipeline. */
function learnedProfile(userId: string): UserProfile {
  const p = testPipeline();
  p.history(20, MONDAY_10_DELHI, { userId });
  const profile = p.state.getProfile(userId);
  if (!profile) throw new Error('the pipeline learned nothing');
  return profile;
}

describe('ProfileRepository', () => {
  it('stores and reads back baselines (as the codec rounds them)', async () => {
    const alice = learnedProfile('alice');
    const bob = learnedProfile('bob');
    await profiles.putMany(
      new Map([
        ['alice', alice],
        ['bob', bob],
      ]),
      1,
    );
    const expected = decodeProfile(encodeProfile(alice));
    expect(await profiles.get('alice')).toEqual(expected);
    expect((await profiles.get('alice'))?.devices).toBeInstanceOf(Map);
    expect(await profiles.get('carol')).toBeUndefined();
    const many = await profiles.getMany(['alice', 'carol', 'bob', 'alice']);
    expect([...many.keys()].sort()).toEqual(['alice', 'bob']);
    expect(many.get('bob')).toEqual(decodeProfile(encodeProfile(bob)));
  });

  it('replaces a stored baseline', async () => {
    const older = learnedProfile('alice');
    await profiles.putMany(new Map([['alice', older]]), 1);
    const newer = { ...older, learned: older.learned + 5 };
    await profiles.putManyEncoded(new Map([['alice', encodeProfile(newer)]]), 2);
    expect((await profiles.get('alice'))?.learned).toBe(older.learned + 5);
    const row = await db.selectFrom('user_profiles').select(['updated_at']).executeTakeFirst();
    expect(Number(row?.updated_at)).toBe(2);
  });

  it('names the user whose stored profile cannot be read', async () => {
    await profiles.putManyEncoded(new Map([['mallory', '{"v":9}']]), 1);
    await expect(profiles.get('mallory')).rejects.toThrow(/mallory/);
    await sql`delete from user_profiles`.execute(db);
    expect(await profiles.getMany(['mallory'])).toEqual(new Map());
  });

  it('writes inside the caller’s transaction when built on one', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await new ProfileRepository(trx).putMany(new Map([['alice', learnedProfile('alice')]]), 1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await profiles.get('alice')).toBeUndefined();
  });
});
