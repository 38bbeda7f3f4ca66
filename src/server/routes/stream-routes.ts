import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { CommittedBatch } from '../../worker/committed-batch.js';
import type { AppDeps } from '../app-deps.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** A client this far behind gets messages dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * `GET /v1/stream` (scope `read`): committed assessments as server-sent events, as the worker (or
 * `/v1/assess`) commits them. Each `assessments` event is one committed batch:
 * `{"count": n, "items": [the latest ≤ 50 assessments of the batch, oldest first]}` (a client shows
 * the latest; the count tells how many came).
 */
export async function streamRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const open = new Set<ServerResponse>();
  // Fastify's close waits for open connections, and a stream never ends by itself.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get(
    '/v1/stream',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Live assessments (server-sent events), as they are committed',
        tags: ['read'],
      },
    },
    async (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      res.write('retry: 3000\n: connected\n\n');
      open.add(res);
      const send = (batch: CommittedBatch) => {
        if (res.writableLength > MAX_BUFFERED_BYTES) return;
        res.write(
          `event: assessments\ndata: ${JSON.stringify({ count: batch.count, items: batch.latest })}\n\n`,
        );
      };
      const unsubscribe = deps.feed.subscribe(send);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const stop = () => {
        unsubscribe();
        clearInterval(heartbeat);
        open.delete(res);
      };
      request.raw.once('close', stop);
      res.once('close', stop);
    },
  );
}
