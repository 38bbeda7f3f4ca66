import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/loginguard.js', import.meta.url).pathname;
const KEY = `lg_${'c'.repeat(43)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'lg-crash-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the real server on a free port; resolves with its base URL once it listens. */
function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data-dir', dataDir], {
    // Small worker batches: the worker commits often and falls behind the senders, so the kill
    // lands with accepted events both mid-commit and still queued.
    env: {
      ...process.env,
      LOGINGUARD_ADMIN_KEY: KEY,
      LOGINGUARD_LOG_LEVEL: 'warn',
      LOGINGUARD_WORKER_BATCH: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve({ child, base: match[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

let seq = 0;
function batch(n: number) {
  const base = Date.now() - 5 * 86_400_000;
  return Array.from({ length: n }, () => {
    seq++;
    return {
      eventId: `crash-${seq}`,
      userId: `user-${seq % 97}@example.com`,
      timestamp: new Date(base + seq * 1000).toISOString(),
      success: seq % 7 !== 0,
      ip: `81.2.69.${(seq % 200) + 1}`,
      deviceId: `dev-${seq % 97}`,
    };
  });
}

describe('kill -9 while a client streams events', () => {
  it('assesses every event that got a 202 exactly once after a restart', async () => {
    const first = await startServer();
    const acknowledged = new Set<string>();
    let stop = false;
    // Four concurrent senders stream batches until the server dies under them.
    const sender = async () => {
      while (!stop) {
        const events = batch(200);
        try {
          const res = await fetch(`${first.base}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify(events),
          });
          if (res.status === 202) for (const e of events) acknowledged.add(e.eventId);
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    };
    const senders = [sender(), sender(), sender(), sender()];
    while (acknowledged.size < 6000) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    stop = true;
    await Promise.all(senders);
    // The crash must have caught work in flight: accepted events not yet assessed.
    const atCrash = new Database(join(dataDir, 'loginguard.db'));
    const inFlight = (atCrash.prepare('select count(*) as n from queue').get() as { n: number }).n;
    atCrash.close();
    expect(inFlight).toBeGreaterThan(0);

    const second = await startServer();
    try {
      // Wait until the restarted worker has drained what the first one left.
      for (let i = 0; i < 600; i++) {
        const metrics = await (
          await fetch(`${second.base}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })
        ).text();
        if (/^loginguard_queue_depth 0$/m.test(metrics)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }

    const db = new Database(join(dataDir, 'loginguard.db'), { readonly: true });
    try {
      const counts = new Map<string, number>();
      for (const row of db
        .prepare('select event_id as id, count(*) as n from assessments group by event_id')
        .all() as {
        id: string;
        n: number;
      }[])
        counts.set(row.id, row.n);
      const missing = [...acknowledged].filter((id) => !counts.has(id));
      const doubled = [...counts].filter(([, n]) => n > 1);
      expect(acknowledged.size).toBeGreaterThanOrEqual(6000);
      expect(missing).toEqual([]);
      expect(doubled).toEqual([]);
      // Each assessment is its decision's audit entry, so no decision is audited twice either.
      const queued = db.prepare('select count(*) as n from queue').get() as { n: number };
      expect(queued.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
