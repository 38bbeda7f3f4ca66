import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookSender } from '../../src/alert/webhook-sender.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/alert/webhook-signature.js';
import { AuditRepository } from '../../src/store/audit-repository.js';
import { openTestDatabase } from '../store/temp-database.js';

const SECRET = 'whsec_test_0123456789abcdef';

interface Received {
  body: string;
  signature: string | undefined;
  delivery: string | undefined;
}

/** A real HTTP receiver answering each POST with the next status of `statuses` (then the last one). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push({
        body,
        signature: req.headers[SIGNATURE_HEADER] as string | undefined,
        delivery: req.headers['x-loginguard-delivery'] as string | undefined,
      });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db.cleanup();
});

const sender = (urls: string[], maxAttempts = 3) =>
  new WebhookSender({
    db: db.db,
    urls,
    secret: SECRET,
    maxAttempts,
    retryBaseMs: 10,
    timeoutMs: 2000,
    log: pino({ level: 'silent' }),
  });

describe('WebhookSender against a real HTTP receiver', () => {
  it('signs each POST so the documented check verifies it, and sends a delivered alert once', async () => {
    const hook = await receiver([200]);
    const s = sender([hook.url]);
    try {
      await s.enqueue('al_1', { type: 'alert.created', alert: { id: 'al_1', userId: '<b>x</b>' } });
      await s.enqueue('al_1', { type: 'alert.created', alert: { id: 'al_1' } }); // re-processed: no new delivery
      await s.settled();
      expect(hook.received).toHaveLength(1);
      const got = hook.received[0] as Received;
      expect(JSON.parse(got.body)).toMatchObject({ type: 'alert.created', alert: { id: 'al_1' } });
      expect(got.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const nowSec = Math.floor(Date.now() / 1000);
      expect(verifyWebhookSignature(SECRET, got.signature, got.body, nowSec)).toBe(true);
      expect(verifyWebhookSignature('another-secret-0000', got.signature, got.body, nowSec)).toBe(false);
      expect(verifyWebhookSignature(SECRET, got.signature, `${got.body} `, nowSec)).toBe(false);
      expect(verifyWebhookSignature(SECRET, got.signature, got.body, nowSec + 3600)).toBe(false);

      const log = await s.list({ limit: 10 });
      expect(log.items).toEqual([
        expect.objectContaining({
          alertId: 'al_1',
          url: hook.url,
          status: 'delivered',
          attempts: 1,
          lastStatus: 200,
        }),
      ]);
      await s.enqueue('al_1', { type: 'alert.created' });
      await s.settled();
      expect(hook.received).toHaveLength(1);
    } finally {
      await s.close();
      await hook.close();
    }
  });

  it('retries on 500 with back-off and stops at the first success', async () => {
    const hook = await receiver([500, 500, 204]);
    const s = sender([hook.url], 5);
    try {
      await s.enqueue('al_2', { type: 'alert.created' });
      await s.settled();
      expect(hook.received).toHaveLength(3);
      expect(new Set(hook.received.map((r) => r.delivery)).size).toBe(1);
      const [d] = (await s.list({ limit: 10 })).items;
      expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204 });
    } finally {
      await s.close();
      await hook.close();
    }
  });

  it('dead-letters after the last try, keeps the error, and audits it', async () => {
    const hook = await receiver([500]);
    const s = sender([hook.url], 3);
    try {
      await s.enqueue('al_3', { type: 'alert.created' });
      await s.settled();
      expect(hook.received).toHaveLength(3);
      const dead = await s.list({ status: 'dead', limit: 10 });
      expect(dead.items).toEqual([
        expect.objectContaining({ alertId: 'al_3', attempts: 3, lastStatus: 500, lastError: 'HTTP 500' }),
      ]);
      const audit = await new AuditRepository(db.db).list({ action: 'webhook.dead_letter', limit: 10 });
      expect(audit.items.map((e) => e.target)).toEqual(['al_3']);
    } finally {
      await s.close();
      await hook.close();
    }
  });

  it('records a refused connection as a failed try', async () => {
    const hook = await receiver([200]);
    const url = hook.url;
    await hook.close();
    const s = sender([url], 2);
    try {
      await s.enqueue('al_4', { type: 'alert.created' });
      await s.settled();
      const [d] = (await s.list({ limit: 10 })).items;
      expect(d?.status).toBe('dead');
      expect(d?.lastStatus).toBeUndefined();
      expect(d?.lastError).toBeTruthy();
    } finally {
      await s.close();
    }
  });
});
