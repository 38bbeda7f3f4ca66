import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps.js';

/** `/healthz` (alive), `/readyz` (can take traffic), `/metrics` (Prometheus, scope `read`). */
export async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/healthz', { schema: { summary: 'The process is alive', tags: ['health'] } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'The service can take traffic: started, database reachable, not draining',
        tags: ['health'],
      },
    },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      checks.service = deps.isReady() ? 'ok' : 'starting, stopping or restarting scoring';
      try {
        await sql`select 1`.execute(deps.db);
        checks.database = 'ok';
      } catch (err) {
        checks.database = (err as Error).message;
      }
      const depth = deps.backlog.depth();
      checks.queue = deps.backlog.backlog() < deps.config.service.maxQueueDepth ? 'ok' : 'over its bound';
      const ok = Object.values(checks).every((v) => v === 'ok');
      reply.code(ok ? 200 : 503);
      return {
        status: ok ? 'ready' : 'not ready',
        checks,
        queue: { ready: depth.ready, leased: depth.leased, failed: depth.failed },
      };
    },
  );

  app.get(
    '/metrics',
    { config: { scope: 'read' }, schema: { summary: 'Prometheus metrics', tags: ['health'] } },
    async (_request, reply) => {
      await deps.backlog.poll().catch(() => undefined);
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}
