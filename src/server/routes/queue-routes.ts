import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FailedEvent } from '../../queue/queue.js';
import { AuditRepository } from '../../store/audit-repository.js';
import { ApiError } from '../api-errors.js';
import type { AppDeps } from '../app-deps.js';
import { actorOf } from '../auth.js';

const FailedQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
const FailedParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 128 }) });
const RequeueBody = Type.Object({
  timestampMs: Type.Integer({ minimum: 0, description: "the failed event's `timestampMs`, as listed" }),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});

/**
 * The queue's failed list (poison events: the pipeline could not score them, or they were
 * delivered too many times): what an operator looks at when `loginguard_queue_failed` rises, and
 * puts back in the queue once the cause is fixed. Scope `admin`: the events are raw logins (IPs,
 * user agents).
 */
export async function queueRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const audit = new AuditRepository(deps.db);
  const now = deps.now ?? Date.now;

  app.get(
    '/v1/queue/failed',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Events that could not be scored (poison), most recently failed first',
        description:
          'Each with the error that failed it and the event as it was queued. A failed event is never delivered again unless requeued (POST /v1/queue/failed/{eventId}/requeue); sending it again with the same eventId and timestamp is a duplicate (it was stored when accepted). Deleted with the raw events by retention.',
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
          ...failedEventOf(f),
        })),
      };
    },
  );

  app.post(
    '/v1/queue/failed/:eventId/requeue',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Put a failed event back in the queue, to be scored again',
        description:
          'At the end of the queue, with no attempt counted: for after the cause was fixed. The event is scored after its user’s events already scored, so what it teaches the baseline comes late. Audited.',
        tags: ['admin'],
        params: FailedParams,
        body: RequeueBody,
      },
    },
    async (request) => {
      const { eventId } = request.params as Static<typeof FailedParams>;
      const { timestampMs, note } = request.body as Static<typeof RequeueBody>;
      const result = await deps.queue.requeueFailed(eventId, timestampMs, now());
      if (result === 'not_failed') {
        throw new ApiError(
          'LG_ERR_NOT_FOUND',
          `No failed event ${JSON.stringify(eventId)} at timestampMs ${timestampMs}.`,
        );
      }
      if (result === 'not_stored') {
        throw new ApiError(
          'LG_ERR_NOT_FOUND',
          `The failed event ${JSON.stringify(eventId)} is no longer stored (deleted by retention): nothing to score.`,
        );
      }
      await audit.append([
        {
          at: now(),
          actor: actorOf(request),
          action: 'queue.requeue',
          target: eventId,
          sourceIp: request.ip,
          detail: { timestampMs, ...(note ? { note } : {}) },
        },
      ]);
      deps.onEnqueued?.();
      return { eventId, timestampMs, requeued: true };
    },
  );
}

/**
 * The failed event as it was queued, or the raw text when it is not JSON (undecodable). Its
 * stored JSON leaves out the id, user and time (the failed row's own fields): put back first.
 */
export function failedEventOf(f: FailedEvent): { event: unknown } | { event: null; payload?: string } {
  if (f.payload === '') return { event: null };
  let stored: unknown;
  try {
    stored = JSON.parse(f.payload);
  } catch {
    return { event: null, payload: f.payload };
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return { event: stored };
  // A row stored before session 26 holds them in its JSON too: the JSON's win (0009's ts may be 0).
  return { event: { eventId: f.eventId, userId: f.userId, timestampMs: f.timestampMs, ...stored } };
}
