import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoginEvent } from '../../src/event/login-event.js';
import type { Queue, QueuedEvent } from '../../src/queue/queue.js';
import { loginEvent } from '../helpers/login-events.js';

/** What a queue implementation gives the contract suite. */
export interface QueueFixture {
  queue: Queue;
  /** A new queue on the same storage (the test closes the old one first): durability. */
  reopen(): Promise<Queue>;
  /** Closes every queue the fixture opened and deletes its storage. */
  cleanup(): Promise<void>;
}

export interface QueueFixtureOptions {
  /** Deliveries before an event goes to the failed list (the implementation's default when absent). */
  maxAttempts?: number;
}

const T0 = Date.UTC(2026, 0, 5, 9, 0);
const LEASE = 30_000;

/**
 * The behaviour every Queue implementation must have (SQLite now, Redis Streams later): run it
 * with a factory that returns a fresh, empty queue each time.
 *
 * @example
 * describeQueueContract('SqliteQueue', async (options) => { … return { queue, reopen, cleanup }; });
 */
export function describeQueueContract(
  name: string,
  makeQueue: (options?: QueueFixtureOptions) => Promise<QueueFixture>,
): void {
  describe(`Queue contract: ${name}`, () => {
    let fixture: QueueFixture;
    let queue: Queue;
    let n = 0;

    /** Events with unique ids, a second apart, for the given users in turn. */
    function events(count: number, users: readonly string[] = ['alice']): LoginEvent[] {
      return Array.from({ length: count }, (_, i) => {
        const k = n++;
        return loginEvent({
          eventId: `ev-${k}`,
          userId: users[i % users.length] ?? 'alice',
          at: T0 + k * 1000,
          location: { country: 'FR', city: 'Lyon', lat: 45.76, lon: 4.84 },
          attributes: { label: 'benign', k },
        });
      });
    }
    const ids = (batch: readonly QueuedEvent[]) => batch.map((q) => q.event.eventId);
    /** The i-th of a batch, which the test expects to be there. */
    const nth = (batch: readonly QueuedEvent[], i: number): QueuedEvent => {
      const q = batch[i];
      if (!q) throw new Error(`expected at least ${i + 1} events, got ${batch.length}`);
      return q;
    };

    beforeEach(async () => {
      n = 0;
      fixture = await makeQueue();
      queue = fixture.queue;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('delivers the events it accepted, oldest first, intact', async () => {
      const batch = events(3, ['alice', 'bob']);
      const result = await queue.enqueue(batch, T0);
      expect(result).toEqual({ accepted: ['ev-0', 'ev-1', 'ev-2'], duplicates: [] });
      const taken = await queue.take(10, LEASE, T0);
      expect(ids(taken)).toEqual(batch.map((e) => e.eventId));
      expect(taken.map((q) => q.event)).toEqual(batch);
      expect(taken.every((q) => q.attempts === 1 && q.enqueuedAt === T0)).toBe(true);
      expect(new Set(taken.map((q) => q.seq)).size).toBe(3);
      expect(taken.map((q) => q.seq)).toEqual([...taken.map((q) => q.seq)].sort((a, b) => a - b));
    });

    it('keeps accepted events across close and reopen', async () => {
      const batch = events(4);
      await queue.enqueue(batch, T0);
      const first = await queue.take(1, LEASE, T0);
      await queue.ack(first);
      await queue.close();
      queue = await fixture.reopen();
      expect(ids(await queue.take(10, LEASE, T0 + 1))).toEqual(batch.slice(1).map((e) => e.eventId));
    });

    it('refuses calls after close', async () => {
      await queue.close();
      await expect(queue.enqueue(events(1), T0)).rejects.toThrow();
    });

    it('accepts an event once: later copies and copies in the same call (same id and time) are duplicates', async () => {
      const [a, b] = events(2);
      if (!a || !b) throw new Error('unreachable');
      expect(await queue.enqueue([a], T0)).toEqual({ accepted: [a.eventId], duplicates: [] });
      const again = await queue.enqueue([a, b, { ...b, success: false }], T0 + 5);
      expect(again).toEqual({ accepted: [b.eventId], duplicates: [a.eventId, b.eventId] });
      const taken = await queue.take(10, LEASE, T0 + 5);
      expect(ids(taken)).toEqual([a.eventId, b.eventId]);
      // The first copy wins, content and enqueue time.
      expect(taken[1]?.event.success).toBe(true);
      expect(taken[0]?.enqueuedAt).toBe(T0);
      // Still a duplicate while leased.
      expect((await queue.enqueue([a], T0 + 6)).duplicates).toEqual([a.eventId]);
    });

    it('takes the same id with another time as another event, delivered and acked on its own', async () => {
      const [a] = events(1);
      if (!a) throw new Error('unreachable');
      const later = { ...a, timestampMs: a.timestampMs + 60_000 };
      expect(await queue.enqueue([a, later], T0)).toEqual({
        accepted: [a.eventId, a.eventId],
        duplicates: [],
      });
      expect(await queue.enqueue([later], T0 + 1)).toEqual({ accepted: [], duplicates: [a.eventId] });
      const taken = await queue.take(10, LEASE, T0 + 1);
      expect(taken.map((q) => q.event)).toEqual([a, later]);
      await queue.ack([nth(taken, 0)]);
      // The lease of the other ran out: it alone comes back.
      expect((await queue.take(10, LEASE, T0 + 1 + LEASE)).map((q) => q.event)).toEqual([later]);
    });

    it('answers concurrent calls each for its own events; an id in two of them is accepted by the first', async () => {
      const [a, b, c] = events(3);
      if (!a || !b || !c) throw new Error('unreachable');
      const [first, second] = await Promise.all([queue.enqueue([a, b], T0), queue.enqueue([b, c], T0 + 1)]);
      expect(first).toEqual({ accepted: [a.eventId, b.eventId], duplicates: [] });
      expect(second).toEqual({ accepted: [c.eventId], duplicates: [b.eventId] });
      expect(ids(await queue.take(10, LEASE, T0 + 1))).toEqual([a.eventId, b.eventId, c.eventId]);
    });

    it('handles batches larger than one statement, in order', async () => {
      const batch = events(1234, ['u1', 'u2', 'u3']);
      expect((await queue.enqueue(batch, T0)).accepted).toHaveLength(1234);
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) seen.push(...ids(await queue.take(500, LEASE, T0)));
      expect(seen).toEqual(batch.map((e) => e.eventId));
      expect(await queue.take(500, LEASE, T0)).toEqual([]);
    });

    it('says whether a user has events ready, without taking them', async () => {
      await queue.enqueue(events(2, ['alice']), T0);
      expect(await queue.hasReady('alice', T0)).toBe(true);
      expect(await queue.hasReady('bob', T0)).toBe(false);
      await queue.take(10, 1000, T0);
      expect(await queue.hasReady('alice', T0 + 1)).toBe(false); // leased
      expect(await queue.hasReady('alice', T0 + 1000)).toBe(true); // the lease ran out
    });

    it('takes at most max, and never an event whose lease is running', async () => {
      await queue.enqueue(events(5), T0);
      expect(ids(await queue.take(2, LEASE, T0))).toEqual(['ev-0', 'ev-1']);
      expect(ids(await queue.take(2, LEASE, T0 + 1))).toEqual(['ev-2', 'ev-3']);
      expect(ids(await queue.take(10, LEASE, T0 + LEASE - 1))).toEqual(['ev-4']);
      expect(await queue.take(10, LEASE, T0 + LEASE - 1)).toEqual([]);
    });

    it('delivers again when a lease expires, counting the attempt', async () => {
      await queue.enqueue(events(2), T0);
      const first = await queue.take(10, LEASE, T0);
      await queue.ack([nth(first, 1)]);
      const again = await queue.take(10, LEASE, T0 + LEASE);
      expect(ids(again)).toEqual([first[0]?.event.eventId]);
      expect(again[0]?.attempts).toBe(2);
      expect(again[0]?.seq).toBe(first[0]?.seq);
      expect(again[0]?.event).toEqual(first[0]?.event);
    });

    it('forgets acknowledged events, and ignores an ack of events no longer queued', async () => {
      const batch = events(3);
      await queue.enqueue(batch, T0);
      const taken = await queue.take(2, LEASE, T0);
      await queue.ack(taken);
      await queue.ack(taken);
      const last = await queue.take(10, LEASE, T0 + 1);
      expect(ids(last)).toEqual([batch[2]?.eventId]);
      await queue.ack(last);
      expect(await queue.take(10, LEASE, T0 + 10 * LEASE)).toEqual([]);
      expect(await queue.depth(T0 + 10 * LEASE)).toEqual({
        ready: 0,
        leased: 0,
        failed: 0,
        oldestEnqueuedAt: undefined,
      });
    });

    it('never delivers a failed event again, and lists it with its error', async () => {
      const batch = events(2);
      await queue.enqueue(batch, T0);
      const taken = await queue.take(10, LEASE, T0);
      const poison = nth(taken, 0).event.eventId;
      await queue.fail(nth(taken, 0), 'Error: cannot score this', T0 + 100);
      await queue.release([nth(taken, 1)]);
      expect(ids(await queue.take(10, LEASE, T0 + 10 * LEASE))).toEqual([batch[1]?.eventId]);
      const failed = await queue.listFailed(10);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        eventId: poison,
        userId: batch[0]?.userId,
        timestampMs: batch[0]?.timestampMs,
        error: 'Error: cannot score this',
        failedAt: T0 + 100,
      });
      // The event as stored (its key may be left to the fields above).
      expect(JSON.parse(failed[0]?.payload ?? '{}') as LoginEvent).toMatchObject({
        ip: batch[0]?.ip,
        success: batch[0]?.success,
      });
      expect((await queue.depth(T0 + 10 * LEASE)).failed).toBe(1);
    });

    it('keeps apart the failures of two events with one id and different times', async () => {
      const [a] = events(1);
      if (!a) throw new Error('unreachable');
      const later = { ...a, timestampMs: a.timestampMs + 60_000 };
      await queue.enqueue([a, later], T0);
      const taken = await queue.take(10, LEASE, T0);
      await queue.fail(nth(taken, 0), 'first', T0 + 1);
      await queue.fail(nth(taken, 1), 'second', T0 + 2);
      const failed = await queue.listFailed(10);
      expect(failed.map((f) => [f.eventId, f.timestampMs, f.error])).toEqual([
        [a.eventId, later.timestampMs, 'second'],
        [a.eventId, a.timestampMs, 'first'],
      ]);
      expect((await queue.depth(T0 + 3)).failed).toBe(2);
    });

    it('puts a failed event back at the end of the queue on request, no attempt counted', async () => {
      const batch = events(2);
      await queue.enqueue(batch, T0);
      const taken = await queue.take(1, LEASE, T0);
      const poison = nth(taken, 0).event;
      await queue.fail(nth(taken, 0), 'Error: a bug', T0 + 1);
      expect(await queue.requeueFailed(poison.eventId, poison.timestampMs + 1, T0 + 2)).toBe('not_failed');
      expect(await queue.requeueFailed(poison.eventId, poison.timestampMs, T0 + 2)).toBe('requeued');
      expect(await queue.listFailed(10)).toEqual([]);
      const again = await queue.take(10, LEASE, T0 + 3);
      // After what was waiting already: it went to the end.
      expect(again.map((q) => [q.event, q.attempts, q.enqueuedAt])).toEqual([
        [batch[1], 1, T0],
        [poison, 1, T0 + 2],
      ]);
      expect(await queue.requeueFailed(poison.eventId, poison.timestampMs, T0 + 4)).toBe('not_failed');
    });

    it("deletes the failed events older than a time (retention), by the event's own time", async () => {
      const batch = events(3);
      await queue.enqueue(batch, T0);
      const taken = await queue.take(10, LEASE, T0);
      for (const q of taken) await queue.fail(q, 'Error', T0 + 10 * LEASE);
      // events() are a second apart from T0: the first two are before T0 + 1500.
      expect(await queue.deleteFailedOlderThan(T0 + 1500)).toBe(2);
      expect((await queue.listFailed(10)).map((f) => f.eventId)).toEqual([batch[2]?.eventId]);
      expect(await queue.deleteFailedOlderThan(T0 + 1500)).toBe(0);
    });

    it('lists failed events most recent first, up to the limit', async () => {
      const batch = events(3);
      await queue.enqueue(batch, T0);
      const taken = await queue.take(10, LEASE, T0);
      for (const [i, q] of taken.entries()) await queue.fail(q, `error ${i}`, T0 + i);
      expect((await queue.listFailed(2)).map((f) => f.error)).toEqual(['error 2', 'error 1']);
    });

    it('makes a released event ready at once; the given-back delivery still counts', async () => {
      await queue.enqueue(events(3), T0);
      const taken = await queue.take(3, LEASE, T0);
      await queue.release(taken.slice(0, 2));
      const again = await queue.take(10, LEASE, T0 + 1);
      expect(ids(again)).toEqual(ids(taken).slice(0, 2));
      expect(again.map((q) => q.attempts)).toEqual([2, 2]);
      expect((await queue.depth(T0 + 1)).leased).toBe(3);
    });

    it('fails an event that is released after every delivery, once attempts run out', async () => {
      await fixture.cleanup();
      fixture = await makeQueue({ maxAttempts: 2 });
      queue = fixture.queue;
      await queue.enqueue(events(1), T0);
      for (let i = 0; i < 3; i++) await queue.release(await queue.take(1, LEASE, T0 + i));
      expect((await queue.listFailed(10)).map((f) => f.error)).toEqual(['too many attempts']);
    });

    it("takeUser leases one user's ready events, oldest first, and nothing else", async () => {
      const batch = events(6, ['alice', 'bob']);
      await queue.enqueue(batch, T0);
      // The worker holds alice's first event.
      expect(ids(await queue.take(1, LEASE, T0))).toEqual([batch[0]?.eventId]);
      const alice = await queue.takeUser('alice', LEASE, T0 + 1);
      expect(ids(alice)).toEqual([batch[2]?.eventId, batch[4]?.eventId]);
      expect(alice.every((q) => q.event.userId === 'alice' && q.attempts === 1)).toBe(true);
      expect(await queue.takeUser('alice', LEASE, T0 + 2)).toEqual([]);
      expect(await queue.takeUser('nobody', LEASE, T0 + 2)).toEqual([]);
      // take() skips what takeUser leased.
      expect(ids(await queue.take(10, LEASE, T0 + 3))).toEqual([1, 3, 5].map((i) => batch[i]?.eventId));
      // Once the leases expire, alice's events come back, with an attempt more.
      const later = await queue.takeUser('alice', LEASE, T0 + 1 + LEASE);
      expect(ids(later)).toEqual([0, 2, 4].map((i) => batch[i]?.eventId));
      expect(later.map((q) => q.attempts)).toEqual([2, 2, 2]);
    });

    it('hands out what follows the events out, and an event given back before it', async () => {
      const batch = events(8, ['alice', 'bob']);
      const id = (i: number) => batch[i]?.eventId;
      await queue.enqueue(batch, T0);
      const first = await queue.take(2, LEASE, T0);
      expect(ids(first)).toEqual([id(0), id(1)]);
      expect(ids(await queue.takeUser('alice', LEASE, T0 + 1))).toEqual([id(2), id(4), id(6)]);
      // max counts only what is handed out: alice's leased events are passed over.
      expect(ids(await queue.take(2, LEASE, T0 + 2))).toEqual([id(3), id(5)]);
      await queue.release([nth(first, 1)]);
      expect(ids(await queue.take(2, LEASE, T0 + 3))).toEqual([id(1), id(7)]);
      expect(await queue.take(10, LEASE, T0 + 4)).toEqual([]);
      await queue.ack([nth(first, 0)]);
      // Every lease has run out: all that is left comes back, oldest first.
      expect(ids(await queue.take(10, LEASE, T0 + 4 + LEASE))).toEqual([1, 2, 3, 4, 5, 6, 7].map(id));
    });

    it('takeUser takes at most max when given', async () => {
      const batch = events(3, ['carol']);
      await queue.enqueue(batch, T0);
      expect(ids(await queue.takeUser('carol', LEASE, T0, 2))).toEqual(
        batch.slice(0, 2).map((e) => e.eventId),
      );
    });

    it('keeps each user in order through take batches', async () => {
      const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
      const batch = events(200, users);
      for (let i = 0; i < batch.length; i += 37) await queue.enqueue(batch.slice(i, i + 37), T0 + i);
      const seen: QueuedEvent[] = [];
      for (;;) {
        const taken = await queue.take(23, LEASE, T0 + 1000);
        if (taken.length === 0) break;
        seen.push(...taken);
        await queue.ack(taken);
      }
      for (const u of users) {
        const times = seen.filter((q) => q.event.userId === u).map((q) => q.event.timestampMs);
        expect(times).toHaveLength(40);
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }
    });

    it('reports its depth', async () => {
      expect(await queue.depth(T0)).toEqual({ ready: 0, leased: 0, failed: 0, oldestEnqueuedAt: undefined });
      await queue.enqueue(events(3), T0);
      await queue.enqueue(events(2), T0 + 500);
      const taken = await queue.take(2, LEASE, T0 + 1000);
      await queue.fail(nth(taken, 0), 'bad', T0 + 1000);
      expect(await queue.depth(T0 + 1000)).toEqual({ ready: 3, leased: 1, failed: 1, oldestEnqueuedAt: T0 });
      // An expired lease counts as ready again.
      expect(await queue.depth(T0 + 1000 + LEASE)).toEqual({
        ready: 4,
        leased: 0,
        failed: 1,
        oldestEnqueuedAt: T0,
      });
    });

    it('moves an event to the failed list after maxAttempts deliveries', async () => {
      await fixture.cleanup();
      fixture = await makeQueue({ maxAttempts: 3 });
      queue = fixture.queue;
      const [poison, good] = events(2);
      if (!poison || !good) throw new Error('unreachable');
      await queue.enqueue([poison], T0);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const taken = await queue.take(10, LEASE, T0 + attempt * LEASE);
        expect(taken.map((q) => q.attempts)).toEqual([attempt]);
      }
      await queue.enqueue([good], T0 + 4 * LEASE);
      // The fourth take skips the exhausted event (failed) and still delivers the good one.
      expect(ids(await queue.take(10, LEASE, T0 + 4 * LEASE))).toEqual([good.eventId]);
      // Its lease expired: only the good event comes back, never the failed one.
      expect(ids(await queue.take(10, LEASE, T0 + 10 * LEASE))).toEqual([good.eventId]);
      const failed = await queue.listFailed(10);
      expect(failed.map((f) => [f.eventId, f.error])).toEqual([[poison.eventId, 'too many attempts']]);
      expect((await queue.depth(T0 + 10 * LEASE)).failed).toBe(1);
    });
  });
}
