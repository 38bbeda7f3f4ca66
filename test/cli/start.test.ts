import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from './run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/loginguard.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'lg-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('loginguard start --demo (what npm start runs)', () => {
  it('prints the admin key once, scores the demo data with detections, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'start', '--demo', '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, LOGINGUARD_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A failed assertion must not leave the server running.
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    while (!/Try:/.test(out)) {
      if (child.exitCode !== null) throw new Error(out);
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    const key = /^\s+(lg_\S{43})$/m.exec(out)?.[1];
    expect(base).toBeDefined();
    expect(key).toBeDefined();
    expect(out).toMatch(/Demo: \d+ generated login events/);

    const headers = { authorization: `Bearer ${key}` };
    let denied: { items: { reasons: { code: string }[] }[] } = { items: [] };
    for (let i = 0; i < 300 && denied.items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      denied = (await (
        await fetch(`${base}/v1/assessments?action=deny&limit=50`, { headers })
      ).json()) as typeof denied;
    }
    expect(denied.items.length).toBeGreaterThan(0);
    // The demo is still being scored: wait for an impossible-travel takeover to come through too.
    let travel: { items: unknown[] } = { items: [] };
    for (let i = 0; i < 300 && travel.items.length === 0; i++) {
      const res = await fetch(`${base}/v1/assessments?reason=IMPOSSIBLE_TRAVEL&limit=5`, { headers });
      travel = (await res.json()) as typeof travel;
      if (travel.items.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(travel.items.length).toBeGreaterThan(0);
    const metrics = await (await fetch(`${base}/metrics`, { headers })).text();
    const batches = Number(/^loginguard_worker_batch_duration_seconds_count (\d+)$/m.exec(metrics)?.[1]);
    expect(batches).toBeGreaterThan(0); // the in-process worker times every batch it commits
    // Read at each scrape; the demo's alerts are long processed (or nearly: a count, never missing).
    expect(metrics).toMatch(/^loginguard_alerting_backlog \d+$/m);
    // The scoring thread reports its cache and heap about once a second.
    let cached = 0;
    let heap = 0;
    for (let i = 0; i < 50 && !(cached > 0 && heap > 0); i++) {
      const text = await (await fetch(`${base}/metrics`, { headers })).text();
      cached = Number(/^loginguard_cached_users (\d+)$/m.exec(text)?.[1] ?? 0);
      heap = Number(/^loginguard_scorer_heap_used_bytes (\d+)$/m.exec(text)?.[1] ?? 0);
      if (!(cached > 0 && heap > 0)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(cached).toBeGreaterThan(0);
    expect(heap).toBeGreaterThan(1_000_000);
    const late = await (await fetch(`${base}/metrics`, { headers })).text();
    expect(late).toMatch(/^loginguard_scorer_heap_live_bytes \d+$/m);
    // What the thread has committed holds at least what it uses.
    const used = Number(/^loginguard_scorer_heap_used_bytes (\d+)$/m.exec(late)?.[1] ?? 0);
    expect(used).toBeGreaterThan(1_000_000);
    expect(Number(/^loginguard_scorer_heap_total_bytes (\d+)$/m.exec(late)?.[1] ?? 0)).toBeGreaterThanOrEqual(
      used,
    );

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).not.toMatch(/"level":50/); // no error logged

    // The admin key is listed by the CLI (its id and scopes, never the key).
    const keys = runCli(['keys', 'list', '--data-dir', dataDir]);
    expect(keys.stdout).toMatch(/^ak_\S+ {2}admin {2}\[admin\] {2}active/m);
  });
});
