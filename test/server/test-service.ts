import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadServiceConfig } from '../../src/config/load-service-config.js';
import type { ServiceConfig } from '../../src/config/service-config.js';
import { openService, type Service } from '../../src/server/open-service.js';
import { ApiKeyRepository } from '../../src/store/api-key-repository.js';
import type { ApiKeyScope } from '../../src/store/api-key-scope.js';

export const ADMIN_KEY = `lg_${'a'.repeat(43)}`;

/**
 * A service on a fresh temp data directory, with the worker off so a test decides when queued events
 * are scored (`drain()`), and keys for each scope.
 */
export async function testService(over: Partial<ServiceConfig> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lg-service-'));
  const config = loadServiceConfig(
    {},
    { overrides: { dataDir, worker: false, adminKey: ADMIN_KEY, ...over } },
  );
  const service: Service = await openService(config, { log: pino({ level: 'silent' }) });
  const keys = new ApiKeyRepository(service.db);
  const keyFor = async (scope: ApiKeyScope) =>
    (await keys.create({ name: `test-${scope}`, scopes: [scope] })).key;
  const ingestKey = await keyFor('ingest');
  return {
    service,
    app: service.app,
    dataDir,
    keys: { admin: ADMIN_KEY, ingest: ingestKey, read: await keyFor('read') },
    drain: () => service.scoring.drain(),
    /**
     * `POST /v1/events` with the ingest key, then waits until the events are scored and alerting
     * has processed them (mails handed to the transport). Returns the response body.
     */
    async ingestAndAlert(payload: unknown): Promise<{ accepted: number }> {
      const res = await service.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: auth(ingestKey),
        payload: payload as object,
      });
      await service.scoring.drain();
      await service.alerts.idle();
      return res.json();
    },
    async close() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const auth = (key: string) => ({ authorization: `Bearer ${key}` });

let n = 0;
/** 09:00 UTC ten days ago: events in the past, as an identity provider sends them. */
const BASE = Math.floor(Date.now() / 86_400_000 - 10) * 86_400_000 + 9 * 3600_000;
/** A valid login event body; override what the test is about. */
export function eventBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  return {
    eventId: `t-${process.pid}-${n}`,
    userId: 'alice@example.com',
    timestamp: new Date(BASE + n * 60_000).toISOString(),
    success: true,
    ip: '81.2.69.160',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
    deviceId: 'alice-laptop',
    ...over,
  };
}
