import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

/**
 * The dashboard in a real browser (Debian's Chromium, headless) against the real server on demo
 * data: sign-in, a brute-force attack arriving live, unlock, the audit log, stored XSS on every
 * page. With UPDATE_SCREENSHOTS=1 the screenshots go to docs/screenshots (committed, shown in the
 * README); otherwise to a temp folder, so a test run leaves the checkout as it was.
 */

const CHROMIUM = '/usr/bin/chromium';
const BIN = fileURLToPath(new URL('../../bin/loginguard.js', import.meta.url));
const ADMIN_KEY = `lg_e2e_${'k'.repeat(40)}`;
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : mkdtempSync(join(tmpdir(), 'lg-shots-'));

/** Runs if it reaches the page's JavaScript: sets a flag and the title, which the test checks. */
const XSS_USER = `<img src=x onerror="window.__xss='user';document.title='XSS'">`;
const XSS_UA = `<script>window.__xss='ua'</script><img src=x onerror="window.__xss='ua-img';document.title='XSS'">`;
const VICTIM = 'victim.e2e@wayne-enterprises.example';

const dataDir = mkdtempSync(join(tmpdir(), 'lg-e2e-'));
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let base = '';
let output = '';

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** `n` failed logins for `userId` from one stranger's address, ending about now: a brute-force run. */
function failures(userId: string, n: number, userAgent?: string) {
  const start = Date.now() - 5 * 60_000;
  return Array.from({ length: n }, (_, i) => ({
    eventId: `e2e-${userId.length}-${userId.slice(0, 12)}-${start}-${i}`,
    userId,
    timestamp: new Date(start + i * 5_000).toISOString(),
    success: false,
    ip: '185.220.101.34',
    ...(userAgent ? { userAgent } : {}),
  }));
}

async function expectNoScriptRan(page: Page, where: string): Promise<void> {
  // Strings run in the page (this file is type-checked without the DOM library).
  const flag = await page.evaluate<string | undefined>('window.__xss');
  expect(flag, `script ran on ${where}`).toBeUndefined();
  expect(await page.title(), `title changed on ${where}`).toBe('loginguard');
  // React's escaping, not only the CSP: a payload parsed as HTML would leave an <img src=x> behind.
  expect(
    await page.locator('img[src="x"], script:not([src])').count(),
    `payload parsed as HTML on ${where}`,
  ).toBe(0);
}

beforeAll(async () => {
  server = spawn(process.execPath, [BIN, 'start', '--demo', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, LOGINGUARD_LOG_LEVEL: 'warn', LOGINGUARD_ADMIN_KEY: ADMIN_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  server.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  while (!/Try:/.test(output)) {
    if (server.exitCode !== null) throw new Error(output);
    await new Promise((r) => setTimeout(r, 50));
  }
  base = /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? '';
  // Let the worker score the demo data first, so the live feed shows what the test sends.
  for (;;) {
    const ready = (await (await fetch(`${base}/readyz`)).json()) as {
      queue: { ready: number; leased: number };
    };
    if (ready.queue.ready + ready.queue.leased === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  if (!process.env.UPDATE_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))('the dashboard in Chromium', () => {
  it('signs in, shows a brute-force attack live, unlocks the user, finds it in the audit log, signs out', async () => {
    const ingestKey = runCli([
      'keys',
      'create',
      '--name',
      'e2e-ingest',
      '--scope',
      'ingest',
      '--data-dir',
      dataDir,
    ])
      .stdout.trim()
      .split('\n')
      .pop();
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    // A stored XSS attempt before anyone looks: user id and user agent are HTML payloads.
    expect((await post('/v1/events', failures(XSS_USER, 12, XSS_UA))).status).toBe(202);

    // Wrong key, then a key without read scope: refused, still on the sign-in form.
    await page.goto(base);
    await page.getByLabel('API key').fill(`lg_${'z'.repeat(43)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/unknown or revoked/);
    await page.getByLabel('API key').fill(ingestKey ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/scope read or admin/);
    await page.screenshot({ path: join(SHOTS, 'sign-in.png') });

    await page.getByLabel('API key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The key is nowhere the page's script can read it.
    const stored = await page.evaluate<[number, number, string]>(
      '[localStorage.length, sessionStorage.length, document.cookie]',
    );
    expect(stored).toEqual([0, 0, '']);
    expect(await page.content()).not.toContain(ADMIN_KEY);
    await page.locator('.dot.on').waitFor();

    // The attack, sent through the API while the overview is open, appears live.
    expect((await post('/v1/events', failures(VICTIM, 12))).status).toBe(202);
    const victimRow = page.locator('.live-feed tr', { hasText: VICTIM }).filter({ hasText: 'BRUTE_FORCE' });
    await victimRow.first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.live-feed tr', { hasText: VICTIM }).count()).toBe(12);
    expect(
      await page.locator('.live-feed tr', { hasText: VICTIM }).filter({ hasText: 'locked' }).count(),
    ).toBeGreaterThan(0);
    // A login that fires no script and shows as text in the live feed too.
    expect(
      (
        await post(
          '/v1/events',
          failures(XSS_USER, 1, XSS_UA).map((e) => ({ ...e, eventId: `${e.eventId}-live` })),
        )
      ).status,
    ).toBe(202);
    await page.locator('.live-feed td.user', { hasText: XSS_USER }).first().waitFor();
    await page.getByRole('heading', { name: 'Top reasons' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
    await expectNoScriptRan(page, 'the overview');

    // Open the user, unlock them.
    await page
      .locator('.live-feed tr', { hasText: VICTIM })
      .first()
      .getByRole('link', { name: VICTIM })
      .click();
    await page.getByRole('heading', { name: `User ${VICTIM}` }).waitFor();
    await page.locator('.lock-state .badge.locked').waitFor();
    await page.locator('table.grid tbody tr').first().click();
    await page.getByLabel('login detail').waitFor();
    await page.screenshot({ path: join(SHOTS, 'user-locked.png'), fullPage: true });
    await page.getByRole('button', { name: 'Unlock account' }).click();
    await page.getByText('Unlocked.').waitFor();
    await page.locator('.lock-state .badge.unlocked').waitFor();

    // The unlock is in the audit log, by the key the session was opened with.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('action').fill('account.unlock');
    await page.getByRole('button', { name: 'Filter' }).click();
    const unlockRow = page.locator('tr[data-action="account.unlock"]', { hasText: VICTIM });
    await unlockRow.waitFor();
    expect(await unlockRow.textContent()).toMatch(/key:ak_\w+ \(admin\)/);
    expect(await unlockRow.textContent()).toContain('unlocked from the dashboard');

    // Every page with the XSS user and user agent on it: rendered as text, no script runs.
    await page.goto(`${base}/#/users/${encodeURIComponent(XSS_USER)}`);
    await page.locator('.user-id', { hasText: XSS_USER }).waitFor();
    expect(await page.locator('.user-id').textContent()).toBe(XSS_USER);
    await page.locator('table.grid tbody tr').first().click();
    await page.locator('dd.ua').filter({ hasText: 'script' }).waitFor();
    expect(await page.locator('dd.ua').textContent()).toBe(XSS_UA);
    await expectNoScriptRan(page, 'the user page');
    await page.getByRole('button', { name: 'Unlock account' }).click();
    await page.getByText('Unlocked.').waitFor();

    await page.goto(`${base}/#/audit`);
    await page.getByLabel('action').fill('account.unlock');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('tr[data-action="account.unlock"] td.user', { hasText: XSS_USER }).waitFor();
    await page.getByLabel('action').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('tr[data-action="account.unlock"]').first().waitFor();
    // Unfiltered, the decisions (read from the assessments) are listed among the admin actions.
    await page.locator('tr[data-action="decision.deny"]', { hasText: VICTIM }).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'audit.png') });
    await expectNoScriptRan(page, 'the audit log');

    // A poison event, as the worker records one (written here straight into the failed list: no
    // valid event makes the pipeline throw), then put back in the queue from the page and scored.
    const poisonId = `e2e-poison-${Date.now()}`;
    const poisonAt = Date.now() - 60_000;
    const file = new Database(join(dataDir, 'loginguard.db'));
    file.pragma('busy_timeout = 5000');
    const payload = JSON.stringify({
      eventId: poisonId,
      userId: XSS_USER,
      timestampMs: poisonAt,
      success: true,
      ip: '81.2.69.160',
    });
    file
      .prepare('insert into events (event_id, user_id, ts, received_at, payload) values (?, ?, ?, ?, ?)')
      .run(poisonId, XSS_USER, poisonAt, poisonAt, payload);
    file
      .prepare(
        `insert into queue_failed (event_id, ts, user_id, payload, enqueued_at, attempts, failed_at, error)
         values (?, ?, ?, ?, ?, 1, ?, ?)`,
      )
      .run(poisonId, poisonAt, XSS_USER, payload, poisonAt, Date.now(), `TypeError: ${XSS_UA}`);
    file.close();
    await page.getByRole('link', { name: 'Failed events' }).click();
    const poisonRow = page.locator(`tr[data-event-id="${poisonId}"]`);
    await poisonRow.waitFor();
    expect(await poisonRow.locator('td.detail-json').textContent()).toBe(`TypeError: ${XSS_UA}`);
    await page.screenshot({ path: join(SHOTS, 'failed.png') });
    await expectNoScriptRan(page, 'the failed events');
    await poisonRow.getByRole('button', { name: 'Requeue' }).click();
    await page.getByText(`Requeued ${poisonId}.`).waitFor();
    await poisonRow.waitFor({ state: 'detached' });
    await expect
      .poll(
        async () =>
          (
            await fetch(`${base}/v1/assessments/${poisonId}`, {
              headers: { authorization: `Bearer ${ADMIN_KEY}` },
            })
          ).status,
        { timeout: 20_000 },
      )
      .toBe(200);
    await page.goto(`${base}/#/audit`);
    await page.getByLabel('action').fill('queue.requeue');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('tr[data-action="queue.requeue"] td.user', { hasText: poisonId }).waitFor();

    // A demo user with a learned baseline whose account was taken over (impossible travel).
    const travel = (await (
      await fetch(`${base}/v1/assessments?reason=IMPOSSIBLE_TRAVEL&limit=1`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      })
    ).json()) as { items: { userId: string; eventId: string }[] };
    const traveller = travel.items[0];
    expect(traveller).toBeDefined();
    await page.goto(`${base}/#/users/${encodeURIComponent(traveller?.userId ?? '')}`);
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    await page
      .getByRole('img', { name: 'share of logins by hour of week' })
      .locator('canvas')
      .first()
      .waitFor();
    await page.locator(`tr[data-event-id="${traveller?.eventId}"]`).click();
    await page.locator('dd.ua').waitFor();
    await page.screenshot({ path: join(SHOTS, 'user.png'), fullPage: true });

    // Alerts: whatever the alerting rules raised (maybe nothing), as text, any status.
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
    await page.getByLabel('status').selectOption('');
    await page.locator('.incident, .state.empty').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'alerts.png') });
    await expectNoScriptRan(page, 'the alerts');

    // Triage from the alerts page, each action audited: the victim's incident is confirmed as an
    // attack, acknowledged and the user unlocked; the XSS user's is marked legitimate.
    await page.getByLabel('user', { exact: true }).fill(VICTIM);
    await page.getByRole('button', { name: 'Filter' }).click();
    const incident = page.locator('.incident', { hasText: VICTIM }).first();
    await incident.waitFor();
    await incident.getByRole('button', { name: 'Confirm attack' }).click();
    await incident.getByText('Confirmed as an attack.').waitFor();
    await incident.getByRole('button', { name: 'Acknowledge' }).click();
    await incident.getByText('Acknowledged.').waitFor();
    await incident
      .locator('td', { hasText: /^acknowledged$/ })
      .first()
      .waitFor();
    expect(await incident.locator('td', { hasText: /^open$/ }).count()).toBe(0);
    await incident.getByRole('button', { name: 'Unlock user' }).click();
    await incident.getByText('User unlocked.').waitFor();
    await page.getByLabel('user', { exact: true }).fill(XSS_USER);
    await page.getByRole('button', { name: 'Filter' }).click();
    const xssIncident = page.locator('.incident', { hasText: XSS_USER }).first();
    await xssIncident.getByRole('button', { name: 'Mark legitimate' }).click();
    await xssIncident.getByText('Marked legitimate.').waitFor();
    await expectNoScriptRan(page, 'the alerts, filtered on the XSS user');

    await page.getByRole('link', { name: 'Audit log' }).click();
    const audited = async (action: string, target?: string) => {
      await page.getByLabel('action').fill(action);
      await page.getByRole('button', { name: 'Filter' }).click();
      const row = page.locator(`tr[data-action="${action}"]`, target ? { hasText: target } : {}).first();
      await row.waitFor();
      return row.textContent();
    };
    expect(await audited('feedback.attack', VICTIM)).toMatch(/key:ak_\w+ \(admin\)/);
    expect(await audited('feedback.legitimate', XSS_USER)).toMatch(/key:ak_\w+ \(admin\)/);
    expect(await audited('alert.acknowledged')).toMatch(/key:ak_\w+ \(admin\)/);
    await audited('account.unlock', VICTIM);
    expect(await page.locator('tr[data-action="account.unlock"]', { hasText: VICTIM }).count()).toBe(2);
    await expectNoScriptRan(page, 'the audit log, again');

    // Settings (admin): the thresholds and alert rules in use, read-only.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    const deny = page.locator('tr[data-setting="denyThreshold"] td');
    await deny.waitFor();
    expect(await deny.textContent()).toBe('0.85');
    expect(await page.locator('tr[data-setting="fastFailures"] td').textContent()).toBe('10');
    expect(await page.getByLabel('alert rules').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'settings.png'), fullPage: true });
    await expectNoScriptRan(page, 'the settings');

    // Models: the demo's models are loaded; no evaluation yet, so the page says how to make one.
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('heading', { name: 'Models', exact: true }).waitFor();
    await page.locator('tr[data-setting="events"]').waitFor();
    expect(await page.locator('pre.command').textContent()).toMatch(
      /^loginguard evaluate .*--json .*reports\/evaluation\.json$/,
    );
    const labelled = join(dataDir, 'labelled.jsonl');
    const generated = runCli([
      'generate',
      '--users',
      '300',
      '--days',
      '14',
      '--seed',
      '11',
      '--attack-rate',
      '5',
      '--out',
      labelled,
    ]);
    expect(generated.status, generated.stderr).toBe(0);
    mkdirSync(join(dataDir, 'reports'), { recursive: true });
    const evaluated = runCli([
      'evaluate',
      '--input',
      labelled,
      '--models',
      join(dataDir, 'models'),
      '--report',
      join(dataDir, 'reports', 'evaluation.html'),
      '--json',
      join(dataDir, 'reports', 'evaluation.json'),
      '--no-progress',
    ]);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    await page.reload();
    await page.getByRole('img', { name: 'ROC curves per detector' }).locator('canvas').first().waitFor();
    expect(await page.locator('tr[data-detector]').count()).toBe(5);
    await page.locator('tr[data-scenario="benign"]').waitFor();
    expect(await page.locator('tr[data-scenario]').count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(SHOTS, 'models.png'), fullPage: true });
    await expectNoScriptRan(page, 'the models');

    await page.getByRole('link', { name: 'Map' }).click();
    await page.locator('svg.world circle').first().waitFor();
    await expect
      .poll(() => page.locator('svg.world path.arc').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'map.png') });
    await expectNoScriptRan(page, 'the map');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expectNoScriptRan(page, 'the overview, again');
    expect(dialogs).toEqual([]);

    // Sign out: back to the form, and a reload does not bring the session back.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    await page.reload();
    await page.getByLabel('API key').waitFor();
    await context.close();
  }, 180_000);

  it('serves the dashboard with a strict Content-Security-Policy', async () => {
    const res = await fetch(base);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).not.toMatch(/https?:\/\//); // nothing loaded from elsewhere
  });
});
