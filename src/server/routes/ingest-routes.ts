import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EventFieldError } from '../../event/event-error.js';
import type { LoginEvent } from '../../event/login-event.js';
import { validateEvent } from '../../event/validate-event.js';
import { AssessmentRepository } from '../../store/assessment-repository.js';
import { eventKey } from '../../store/event-key.js';
import { ApiError } from '../api-errors.js';
import type { AppDeps } from '../app-deps.js';

/** Events from the future beyond this are refused (a clock or unit mistake, or a forgery). */
const MAX_FUTURE_MS = 24 * 3600_000;

const EventBody = Type.Object({}, { additionalProperties: true, description: 'A login event (DESIGN §2)' });

/** `POST /v1/events` (queued) and `POST /v1/assess` (synchronous). Scope `ingest`. */
export async function ingestRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  const { service } = deps.config;
  const assessments = new AssessmentRepository(deps.db);
  const overBound = (incoming: number) =>
    deps.backlog.backlog() + incoming > service.maxQueueDepth ||
    (deps.alertingBacklog?.() ?? 0) > service.maxAlertingBacklog;
  const refuse = (reply: FastifyReply) => {
    reply.header('retry-after', '5');
    return new ApiError('LG_ERR_BACKLOG');
  };

  app.post(
    '/v1/events',
    {
      config: { scope: 'ingest' },
      // Refused before the body is read: parsing a 10,000-event body only to answer 503 cost the
      // main thread more than accepting it would, and starved the alerting that had to drain for
      // the refusals to stop (bench/service-load.mjs, 2026-11-27: 503s took 70% of the thread).
      onRequest: async (_request, reply) => {
        if (overBound(1)) throw refuse(reply);
      },
      schema: {
        summary: 'Queue login events for scoring',
        description: `One event or an array of up to ${service.maxBatch}. Good events are queued (durable when this answers 202) even when others in the batch are bad; each bad one is reported by index. Re-sending an eventId changes nothing.`,
        tags: ['ingest'],
        body: Type.Union([Type.Array(Type.Unknown(), { description: 'login events' }), EventBody]),
      },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      const items = Array.isArray(body) ? body : [body];
      if (items.length > service.maxBatch) {
        throw new ApiError(
          'LG_ERR_BATCH_TOO_LARGE',
          `At most ${service.maxBatch} events per request; got ${items.length}.`,
        );
      }
      if (overBound(items.length)) throw refuse(reply);
      const t = now();
      const good: LoginEvent[] = [];
      const goodIndex: number[] = [];
      const errors: { index: number; errors: EventFieldError[] }[] = [];
      items.forEach((item, index) => {
        const result = validateEvent(item, { maxTimestampMs: t + MAX_FUTURE_MS });
        if (result.ok) {
          good.push(result.event);
          goodIndex.push(index);
        } else errors.push({ index, errors: result.errors });
      });
      deps.metrics.rejected.inc(errors.length);
      if (good.length === 0) {
        throw new ApiError('LG_ERR_INVALID_EVENT', errorSummary(errors), { rejected: errors.length, errors });
      }
      const already = await assessments.existing(good);
      let fresh = good;
      const assessedBefore: LoginEvent[] = [];
      if (already.size > 0) {
        fresh = [];
        for (const e of good) (already.has(eventKey(e)) ? assessedBefore : fresh).push(e);
      }
      const result = await deps.queue.enqueue(fresh, t);
      deps.backlog.accepted(result.accepted.length);
      deps.metrics.ingested.inc({ endpoint: 'events' }, result.accepted.length);
      deps.onEnqueued?.();
      reply.code(202);
      return {
        accepted: result.accepted.length,
        eventIds: good.map((e) => e.eventId),
        duplicates: [...assessedBefore.map((e) => e.eventId), ...result.duplicates],
        rejected: errors.length,
        errors,
      };
    },
  );

  app.post(
    '/v1/assess',
    {
      config: { scope: 'ingest' },
      schema: {
        summary: 'Assess a login before it completes: allow, challenge or deny',
        description:
          'Scores the login at once on the same per-user state as the queue (the user’s queued events are scored first) and records it like any other event. Re-sending an eventId returns the stored assessment.',
        tags: ['ingest'],
        body: EventBody,
      },
    },
    async (request, reply) => {
      const started = process.hrtime.bigint();
      if (!deps.isReady()) {
        // Scoring is restarting (its thread died) or the service is starting or stopping.
        reply.header('retry-after', '1');
        throw new ApiError('LG_ERR_NOT_READY');
      }
      const result = validateEvent(request.body, { maxTimestampMs: now() + MAX_FUTURE_MS });
      if (!result.ok) {
        deps.metrics.rejected.inc();
        throw new ApiError('LG_ERR_INVALID_EVENT', errorSummary([{ index: 0, errors: result.errors }]), {
          errors: result.errors,
        });
      }
      const { assessment } = await deps.scoring.assessNow(result.event);
      deps.metrics.ingested.inc({ endpoint: 'assess' });
      deps.metrics.assessLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      return assessment;
    },
  );
}

function errorSummary(errors: readonly { index: number; errors: readonly EventFieldError[] }[]): string {
  const first = errors[0];
  const detail = first?.errors.map((e) => e.message).join('; ') ?? 'invalid';
  return errors.length === 1
    ? `The event is not valid: ${detail}`
    : `${errors.length} events are not valid; first: ${detail}`;
}
