import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import type { Enricher } from '../../src/enrich/enricher.js';
import type { LoginEvent } from '../../src/event/login-event.js';
import { createPipeline } from '../../src/pipeline.js';
import { encodeProfile } from '../../src/profile/profile-codec.js';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import { ProfileRepository } from '../../src/store/profile-repository.js';
import { Scorer, type ScorerOptions } from '../../src/worker/scorer.js';
import { generatedLoginEvents } from '../helpers/login-events.js';
import { openTestDatabase } from '../store/temp-database.js';

const config = resolveScoringConfig();
let enricher: Enricher;
let events: LoginEvent[];

beforeAll(() => {
  enricher = createEnricher();
  events = generatedLoginEvents({ users: 40, days: 20, seed: 99 });
});

const opened: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of opened) await cleanup();
});

async function newScorer(over: Partial<ScorerOptions> = {}) {
  const { db, cleanup } = await openTestDatabase();
  opened.push(cleanup);
  const scorer = new Scorer({
    db,
    queue: new SqliteQueue(db),
    pipeline: createPipeline({ enricher, config }),
    scoring: config,
    leaseMs: 60_000,
    ...over,
  });
  return { db, scorer };
}

/** Every event in batches of 50, as the queue worker hands them; `between` runs after each batch. */
async function scoreAll(scorer: Scorer, between?: () => Promise<void>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < events.length; i += 50) {
    const batch = events
      .slice(i, i + 50)
      .map((event, k) => ({ seq: i + k, event, attempts: 1, enqueuedAt: 0 }));
    const outcome = await scorer.scoreBatch(batch);
    expect(outcome.poison).toEqual([]);
    for (const a of outcome.assessed)
      out.push(`${a.eventId} ${a.action} ${a.reasons.map((r) => r.code).join(',')}`);
    await between?.();
  }
  return out;
}

describe('Scorer: baselines written behind, bounded cache', () => {
  it('writes a changed baseline once it is due (or on demand), not with the batch', async () => {
    const { db, scorer } = await newScorer({ profileFlushMs: 3_600_000 });
    const first = events[0] as LoginEvent;
    await scorer.assessNow(first);
    const profiles = new ProfileRepository(db);
    expect(await profiles.get(first.userId)).toBeUndefined();
    // The timer's flush writes only what changed an interval (an hour here) ago.
    await scorer.flushProfiles({ dueOnly: true });
    expect(await profiles.get(first.userId)).toBeUndefined();
    await scorer.flushProfiles();
    const stored = await profiles.get(first.userId);
    const { profile } = await scorer.peek(first.userId);
    expect(stored).toBeDefined();
    expect(encodeProfile(stored as NonNullable<typeof stored>)).toBe(
      encodeProfile(profile as NonNullable<typeof profile>),
    );
    await scorer.close();
  });

  it('scores the same when users are dropped from the cache and reloaded from the store', async () => {
    const everyone = await newScorer();
    const expected = await scoreAll(everyone.scorer);
    await everyone.scorer.close();

    // Three users cached at most, flushed (and trimmed) after every batch of 50.
    const few = await newScorer({ profileFlushMs: 3_600_000, maxCachedUsers: 3 });
    let most = 0;
    const actual = await scoreAll(few.scorer, async () => {
      await few.scorer.flushProfiles();
      most = Math.max(most, few.scorer.cachedUsers);
    });
    await few.scorer.close();

    expect(expected.length).toBeGreaterThan(1500);
    expect(most).toBe(3);
    expect(actual).toEqual(expected);
  });

  it('stores every baseline at close, as scored', async () => {
    const { db, scorer } = await newScorer({ profileFlushMs: 3_600_000 });
    await scoreAll(scorer);
    const users = [...new Set(events.map((e) => e.userId))];
    const live = await Promise.all(users.map(async (u) => (await scorer.peek(u)).profile));
    await scorer.close();
    const stored = await new ProfileRepository(db).getMany(users);
    expect(stored.size).toBe(users.length);
    users.forEach((u, i) => {
      expect(encodeProfile(stored.get(u) as NonNullable<ReturnType<typeof stored.get>>)).toBe(
        encodeProfile(live[i] as NonNullable<(typeof live)[number]>),
      );
    });
  });

  it('flushes in small transactions that a synchronous assessment gets in between', async () => {
    const { scorer } = await newScorer({ profileFlushMs: 3_600_000 });
    const users = new Set(events.map((e) => e.userId));
    const rest = events.slice(0, -1);
    for (let i = 0; i < rest.length; i += 50) {
      const batch = rest
        .slice(i, i + 50)
        .map((event, k) => ({ seq: i + k, event, attempts: 1, enqueuedAt: 0 }));
      await scorer.scoreBatch(batch);
    }
    const written: number[] = [];
    const original = ProfileRepository.prototype.putManyEncoded;
    const spy = vi.spyOn(ProfileRepository.prototype, 'putManyEncoded').mockImplementation(function (
      this: ProfileRepository,
      profiles,
      at,
    ) {
      written.push(profiles.size);
      return original.call(this, profiles, at);
    });
    try {
      const order: string[] = [];
      const flush = scorer.flushProfiles().then(() => order.push('flush'));
      const last = events[events.length - 1] as LoginEvent;
      const sync = scorer.assessNow(last).then(() => order.push('assess'));
      await Promise.all([flush, sync]);
      expect(users.size).toBeGreaterThan(32);
      // Every user's baseline written, 16 at most per transaction (the assessment's own user may be
      // written again with it), and the assessment answered before the flush finished.
      expect(written.filter((n) => n > 0).every((n) => n <= 17)).toBe(true);
      expect(written.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(users.size - 1);
      expect(order).toEqual(['assess', 'flush']);
    } finally {
      spy.mockRestore();
      await scorer.close();
    }
  });
});
