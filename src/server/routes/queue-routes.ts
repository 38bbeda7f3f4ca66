import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';

const FailedQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

/**
 * The queue's failed list (poison events: the pipeline could not score them, or they were
 * delivered too many times): what an operator looks at when `loginguard_queue_failed` rises.
 * Scope `admin`: the events are raw logins (IPs, user agents).
 */
export async function queueRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/v1/queue/failed',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Events that could not be scored (poison), most recently failed first',
        description:
          'Each with the error that failed it and the event as it was queued. A failed event is never delivered again, and sending it again with the same eventId and timestamp is a duplicate (it was stored when accepted).',
        tags: ['admin'],
        querystring: FailedQuery,
      },
    },
    async (request) => {
      const { limit } = request.query as Static<typeof FailedQuery>;
      const failed = await deps.queue.listFailed(limit);
      return {
        items: failed.map((f) => ({
          eventId: f.eventId,
          timestampMs: f.timestampMs,
          failedAt: f.failedAt,
          error: f.error,
          ...eventOf(f.payload),
        })),
      };
    },
  );
}

/** The failed event as it was queued, or the raw text when it is not JSON (undecodable). */
function eventOf(payload: string): { event: unknown } | { event: null; payload?: string } {
  if (payload === '') return { event: null };
  try {
    return { event: JSON.parse(payload) as unknown };
  } catch {
    return { event: null, payload };
  }
}
