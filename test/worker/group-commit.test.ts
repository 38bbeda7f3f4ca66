import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';
import { createPipeline } from '../../src/pipeline.js';
import { SqliteQueue } from '../../src/queue/sqlite-queue.js';
import type { AuditEntry } from '../../src/store/audit-repository.js';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { emptyWriteSet, GroupCommit, StaleWriteError } from '../../src/worker/group-commit.js';
import { Scorer } from '../../src/worker/scorer.js';
import { FakeEnricher } from '../helpers/fake-enricher.js';
import { loginEvent, MONDAY_10_DELHI, testPipeline } from '../helpers/login-events.js';
import { openLevelObservedDatabase } from '../store/temp-database.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * A database whose every audit insert records the connection's `synchronous` level at that moment
 * (1 NORMAL, 2 FULL), read from the raw handle while the insert's transaction is open; `onPragma`
 * runs after each PRAGMA statement.
 */
async function observedDatabase(level: 'FULL' | 'NORMAL') {
  const levels: Array<{ actor: string; action: string; level: number }> = [];
  const hooks = { onPragma: (_sql: string) => {} };
  const counts = { commits: 0 };
  const { db, raw, cleanup } = await openLevelObservedDatabase(level, (text, parameters, atLevel) => {
    if (/^insert into "audit_log"/i.test(text)) {
      levels.push({ actor: String(parameters[1]), action: String(parameters[2]), level: atLevel });
    }
    // A decision is audited by its assessment row (src/store/audit-repository.ts).
    if (/^insert into "assessments"/i.test(text))
      levels.push({ actor: 'scorer', action: 'assessment', level: atLevel });
    if (/^PRAGMA synchronous =/i.test(text)) hooks.onPragma(text);
    if (/^commit$/i.test(text)) counts.commits++;
  });
  cleanups.push(cleanup);
  return { db, raw, levels, hooks, counts };
}

function entry(actor: string): AuditEntry {
  return { at: 1, actor, action: 'test.write', detail: {} };
}

function writeSet(actor: string, durable: boolean, generation = 0) {
  const set = emptyWriteSet(generation);
  set.audit.push(entry(actor));
  set.durable = durable;
  return set;
}

describe('GroupCommit: fsync only what someone answers from', () => {
  it("commits the worker's writes without an fsync, durable ones with it, and leaves the connection as it was", async () => {
    const { db, raw, levels } = await observedDatabase('FULL');
    const commits = new GroupCommit(db);
    await commits.write(writeSet('worker', false));
    expect(raw.pragma('synchronous', { simple: true })).toBe(2);
    await commits.write(writeSet('answer', true));
    expect(levels.map(({ actor, level }) => ({ actor, level }))).toEqual([
      { actor: 'worker', level: 1 },
      { actor: 'answer', level: 2 },
    ]);
    expect(raw.pragma('synchronous', { simple: true })).toBe(2);
    expect(await new AuditRepository(db).list({ limit: 10 })).toMatchObject({
      items: [{ actor: 'answer' }, { actor: 'worker' }],
    });
  });

  it('fsyncs a group that merged a durable write set with relaxed ones', async () => {
    const { db, levels } = await observedDatabase('FULL');
    const commits = new GroupCommit(db);
    // Handed in together: one transaction carries all three.
    await Promise.all([
      commits.write(writeSet('worker-1', false)),
      commits.write(writeSet('answer', true)),
      commits.write(writeSet('worker-2', false)),
    ]);
    expect(levels.map((l) => l.level)).toEqual([2]);
  });

  it('never raises the level of a connection opened with NORMAL', async () => {
    const { db, raw, levels } = await observedDatabase('NORMAL');
    const commits = new GroupCommit(db);
    await commits.write(writeSet('answer', true));
    await commits.write(writeSet('worker', false));
    expect(levels.map((l) => l.level)).toEqual([1, 1]);
    expect(raw.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('lets no other writer on the connection commit with the relaxed level', async () => {
    // The enqueue of the API shares the connection when scoring runs on the main thread: it
    // starts right after the switch to NORMAL and must still commit with FULL.
    const { db, levels, hooks } = await observedDatabase('FULL');
    let enqueue: Promise<void> | undefined;
    hooks.onPragma = (text) => {
      if (/NORMAL/.test(text) && !enqueue) enqueue = new AuditRepository(db).append([entry('enqueue')]);
    };
    const commits = new GroupCommit(db);
    await commits.write(writeSet('worker', false));
    await enqueue;
    expect(enqueue).toBeDefined();
    expect(levels).toContainEqual({ actor: 'enqueue', action: 'test.write', level: 2 });
    expect(levels).toContainEqual({ actor: 'worker', action: 'test.write', level: 1 });
  });

  it("the scorer fsyncs the synchronous endpoint's decisions and an admin change, not the worker's", async () => {
    const { db, levels } = await observedDatabase('FULL');
    const config = resolveScoringConfig();
    const scorer = new Scorer({
      db,
      queue: new SqliteQueue(db),
      pipeline: createPipeline({ enricher: new FakeEnricher(), config }),
      scoring: config,
      leaseMs: 60_000,
    });
    const queued = loginEvent({ at: MONDAY_10_DELHI });
    await scorer.scoreBatch([{ seq: 1, event: queued, attempts: 1, enqueuedAt: 0 }]);
    await scorer.assessNow(loginEvent({ at: MONDAY_10_DELHI + 60_000 }));
    await scorer.updateUser('alice@example.com', [{ kind: 'unlock' }], [entry('admin')]);
    await scorer.close();
    expect(levels.map(({ actor, action, level }) => `${actor} ${action} ${level}`)).toEqual([
      'scorer assessment 1',
      'scorer assessment 2',
      'admin test.write 2',
    ]);
  });

  it('refuses every write set computed before a commit failed, and takes those computed after', async () => {
    const { db, raw, hooks } = await observedDatabase('FULL');
    raw.exec(`CREATE TRIGGER doomed BEFORE INSERT ON audit_log WHEN NEW.actor = 'doomed'
      BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`);
    const commits = new GroupCommit(db);
    // Handed in while the doomed transaction runs (its switch to NORMAL): waits for the next one.
    let waiting: Promise<void> | undefined;
    hooks.onPragma = (text) => {
      if (/NORMAL/.test(text) && !waiting) waiting = commits.write(writeSet('next', false));
    };
    const doomed = commits.write(writeSet('doomed', false));
    await expect(doomed).rejects.toThrow('disk full (test)');
    await expect(waiting).rejects.toBeInstanceOf(StaleWriteError);
    expect(commits.generation).toBe(1);
    // Computed before the failure was known, handed in after: refused too.
    await expect(commits.write(writeSet('late', false, 0))).rejects.toBeInstanceOf(StaleWriteError);
    await commits.write(writeSet('fresh', false, commits.generation));
    const { items } = await new AuditRepository(db).list({ limit: 10 });
    expect(items.map((i) => i.actor)).toEqual(['fresh']);
  });
});

/** A write set of `user` (a lock removed), with an audit entry by `actor` to see where it landed. */
function userSet(actor: string, user: string, durable = false) {
  const set = writeSet(actor, durable);
  set.locks.set(user, undefined);
  return set;
}

describe('GroupCommit: held writes (a batch in one transaction)', () => {
  const storedActors = (raw: BetterSqlite3.Database) =>
    (raw.prepare('select actor from audit_log order by id').all() as Array<{ actor: string }>).map(
      (r) => r.actor,
    );

  it("holds writes until released, then commits them together; another user's write goes ahead of them", async () => {
    const { db, raw, counts } = await observedDatabase('FULL');
    const commits = new GroupCommit(db);
    const first = commits.write(userSet('slice 1', 'alice'), { hold: true });
    const second = commits.write(userSet('slice 2', 'bob'), { hold: true });
    await commits.write(userSet('answer', 'carol', true));
    expect(storedActors(raw)).toEqual(['answer']);
    const before = counts.commits;
    commits.release();
    await Promise.all([first, second]);
    expect(storedActors(raw)).toEqual(['answer', 'slice 1', 'slice 2']);
    expect(counts.commits - before).toBe(1);
  });

  it('commits a write that shares a user with held ones after them, in the same transaction', async () => {
    const { db, raw, counts } = await observedDatabase('FULL');
    const commits = new GroupCommit(db);
    const before = counts.commits;
    const held = commits.write(userSet('slice', 'alice'), { hold: true });
    await commits.write(userSet('answer', 'alice', true));
    await held;
    expect(storedActors(raw)).toEqual(['slice', 'answer']);
    expect(counts.commits - before).toBe(1);
  });

  it('releases the held writes once they hold commitEvery assessments, and on flushed()', async () => {
    const { db, raw } = await observedDatabase('FULL');
    const { assess } = testPipeline();
    const assessedSet = (userId: string, n: number) => {
      const set = emptyWriteSet(0);
      for (let i = 0; i < n; i++) {
        set.assessments.push(
          assess(loginEvent({ userId, eventId: `${userId}-${i}`, at: MONDAY_10_DELHI + i })),
        );
      }
      return set;
    };
    const count = () => (raw.prepare('select count(*) as n from assessments').get() as { n: number }).n;
    const commits = new GroupCommit(db, Date.now, 3);
    const first = commits.write(assessedSet('alice', 2), { hold: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(count()).toBe(0);
    await Promise.all([first, commits.write(assessedSet('bob', 1), { hold: true })]);
    expect(count()).toBe(3);
    const last = commits.write(assessedSet('carol', 1), { hold: true });
    await commits.flushed();
    await last;
    expect(count()).toBe(4);
  });

  it('refuses the held writes as stale when a commit fails', async () => {
    const { db, raw } = await observedDatabase('FULL');
    raw.exec(`CREATE TRIGGER doomed BEFORE INSERT ON audit_log WHEN NEW.actor = 'doomed'
      BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`);
    const commits = new GroupCommit(db);
    const held = commits.write(userSet('slice', 'alice'), { hold: true });
    await expect(commits.write(userSet('doomed', 'bob'))).rejects.toThrow('disk full (test)');
    await expect(held).rejects.toBeInstanceOf(StaleWriteError);
    commits.release();
    await commits.flushed();
    expect(storedActors(raw)).toEqual([]);
  });
});
