import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../src/config/load-service-config.js';
import type { ServiceConfig } from '../../src/config/service-config.js';
import type { Assessment } from '../../src/event/assessment.js';
import { openService, type Service } from '../../src/server/open-service.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import type { StoredAuditEntry } from '../../src/store/audit-repository.js';
import { ADMIN_KEY, auth, eventBody } from './test-service.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A service on `dataDir` whose log lines are kept in `log`; the worker off: `drain()` scores. */
async function open(dataDir: string, over: Partial<ServiceConfig>, log: string[] = []): Promise<Service> {
  const config = loadServiceConfig(
    {},
    { overrides: { dataDir, worker: false, adminKey: ADMIN_KEY, ...over } },
  );
  const sink = new Writable({
    write(chunk, _enc, done) {
      log.push(String(chunk));
      done();
    },
  });
  return openService(config, { log: pino({ level: 'info' }, sink), autoFitEpochs: 2 });
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lg-autofit-'));
  dirs.push(d);
  return d;
}

async function send(service: Service, events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 5000) {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth(ADMIN_KEY),
      payload: events.slice(i, i + 5000) as object[],
    });
    expect(res.statusCode).toBe(202);
  }
  await service.scoring.drain();
}

async function assess(service: Service): Promise<Assessment> {
  const res = await service.app.inject({
    method: 'POST',
    url: '/v1/assess',
    headers: auth(ADMIN_KEY),
    payload: eventBody({ userId: 'new-user@example.com' }),
  });
  expect(res.statusCode).toBe(200);
  return res.json() as Assessment;
}

async function modelsInUse(service: Service): Promise<string | undefined> {
  const res = await service.app.inject({ url: '/metrics', headers: auth(ADMIN_KEY) });
  return /^loginguard_models_in_use (\S+)$/m.exec(res.body)?.[1];
}

async function fitAudits(service: Service): Promise<StoredAuditEntry[]> {
  const res = await service.app.inject({ url: '/v1/audit?action=models.fit', headers: auth(ADMIN_KEY) });
  return (res.json() as { items: StoredAuditEntry[] }).items;
}

// 100 users over two weeks, attacks included: ~3,200 logins, ~2,800 of them normal-looking.
const history = [...generateDataset({ users: 100, days: 14, seed: 41 }).records];

describe.each([
  { mode: 'on the scoring thread', scoringThread: true },
  { mode: 'on the main thread', scoringThread: false },
])('models fitted after a warm-up when none are given ($mode)', ({ scoringThread }) => {
  it('scores with the rules until the warm-up, then fits on the stored events, audits it and scores with the models', async () => {
    const dataDir = tempDir();
    const service = await open(dataDir, { scoringThread, modelsAutoFitAfter: 2000 });
    try {
      expect(service.autoFit?.state).toBe('waiting');
      expect(await modelsInUse(service)).toBe('0');
      expect((await assess(service)).scores.models).toBeUndefined();
      await send(service, history);
      await service.autoFit?.settled();
      expect(service.autoFit?.state).toBe('fitted');
      expect(existsSync(join(dataDir, 'models', 'ensemble.json'))).toBe(true);

      const [audit, ...more] = await fitAudits(service);
      expect(more).toHaveLength(0);
      expect(audit?.actor).toBe('loginguard');
      expect(audit?.detail).toMatchObject({ outcome: 'fitted', events: history.length + 1 });
      expect(audit?.detail.normalLooking).toBeGreaterThan(1000);

      expect(await modelsInUse(service)).toBe('1');
      const models = await service.app.inject({ url: '/v1/models', headers: auth(ADMIN_KEY) });
      expect(models.json()).toMatchObject({ loaded: true, models: { dir: join(dataDir, 'models') } });
      const after = await assess(service);
      expect(typeof after.scores.models).toBe('number');
      expect(typeof after.scores.ensemble).toBe('number');
    } finally {
      await service.close();
    }

    // The next start finds them in the data directory and does not fit again.
    const again = await open(dataDir, { scoringThread, modelsAutoFitAfter: 2000 });
    try {
      expect(again.autoFit).toBeUndefined();
      expect(typeof (await assess(again)).scores.models).toBe('number');
    } finally {
      await again.close();
    }
  });
});

describe('a fit after the warm-up that fails', () => {
  it('is logged and audited, and the rules go on scoring alone', async () => {
    const dataDir = tempDir();
    const log: string[] = [];
    const service = await open(dataDir, { modelsAutoFitAfter: 50 }, log);
    try {
      await send(
        service,
        Array.from({ length: 60 }, () => eventBody()),
      );
      await service.autoFit?.settled();
      expect(service.autoFit?.state).toBe('failed');
      const failed = log.map(
        (l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } },
      );
      const line = failed.find((l) => l.msg.startsWith('fitting the anomaly models failed'));
      expect(line?.level).toBe(50); // error
      expect(line?.err?.message).toMatch(/only \d+ normal-looking logins .*too few to train on/);
      const [audit] = await fitAudits(service);
      expect(audit?.detail).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/too few/) });
      expect(existsSync(join(dataDir, 'models', 'ensemble.json'))).toBe(false);

      const a = await assess(service);
      expect(a.scores.models).toBeUndefined();
      expect(typeof a.scores.rules).toBe('number');
    } finally {
      await service.close();
    }
  });

  it('is off with modelsAutoFitAfter 0', async () => {
    const service = await open(tempDir(), { modelsAutoFitAfter: 0 });
    try {
      expect(service.autoFit).toBeUndefined();
    } finally {
      await service.close();
    }
  });
});
