import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { REASON_CODES, type ReasonCode } from '../../detect/reason-codes.js';
import type { Action, RiskLevel } from '../../event/assessment.js';
import { AlertRepository, type AlertStatus } from '../../store/alert-repository.js';
import { AssessmentRepository } from '../../store/assessment-repository.js';
import { AuditRepository } from '../../store/audit-repository.js';
import { EventRepository } from '../../store/event-repository.js';
import { ApiError } from '../api-errors.js';
import type { AppDeps } from '../app-deps.js';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Integer({ minimum: 0 })], {
  description: 'RFC 3339 or epoch ms',
});
const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor of the previous page' })),
};
const AssessmentQuery = Type.Object({
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  action: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('challenge'), Type.Literal('deny')])),
  reason: Type.Optional(Type.Union(REASON_CODES.map((c) => Type.Literal(c)))),
  ...Paging,
});
const AlertQuery = Type.Object({
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  status: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]),
  ),
  severity: Type.Optional(
    Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')]),
  ),
  kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'e.g. brute_force' })),
  reason: Type.Optional(Type.Union(REASON_CODES.map((c) => Type.Literal(c)))),
  ip: Type.Optional(Type.String({ minLength: 2, maxLength: 45, pattern: '^[0-9A-Fa-f.:]+$' })),
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  ...Paging,
});
const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  ...Paging,
});
const EventIdParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 128 }) });

/** Reads: assessments (with their events), alerts, the audit log. Scope `read` (`admin` for the audit log). */
export async function readRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const assessments = new AssessmentRepository(deps.db);
  const events = new EventRepository(deps.db);
  const alerts = new AlertRepository(deps.db);
  const audit = new AuditRepository(deps.db);

  app.get(
    '/v1/assessments',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Assessments, newest first, with filters and cursor pagination',
        tags: ['read'],
        querystring: AssessmentQuery,
      },
    },
    async (request) => {
      const q = request.query as Static<typeof AssessmentQuery>;
      return assessments.list({
        ...(q.userId ? { userId: q.userId } : {}),
        ...timeRange(q),
        ...(q.action ? { action: q.action as Action } : {}),
        ...(q.reason ? { reason: q.reason as ReasonCode } : {}),
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
    },
  );

  app.get(
    '/v1/assessments/:eventId',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One assessment, with the event it assessed',
        tags: ['read'],
        params: EventIdParams,
      },
    },
    async (request) => {
      const { eventId } = request.params as Static<typeof EventIdParams>;
      const assessment = await assessments.get(eventId);
      if (!assessment)
        throw new ApiError('LG_ERR_NOT_FOUND', `No assessment for event ${JSON.stringify(eventId)}.`);
      const event = await events.get(eventId);
      return { ...assessment, event: event ?? null };
    },
  );

  app.get(
    '/v1/events/:eventId',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'One stored event (until retention deletes it)',
        tags: ['read'],
        params: EventIdParams,
      },
    },
    async (request) => {
      const { eventId } = request.params as Static<typeof EventIdParams>;
      const event = await events.get(eventId);
      if (!event) throw new ApiError('LG_ERR_NOT_FOUND', `No stored event ${JSON.stringify(eventId)}.`);
      return event;
    },
  );

  app.get(
    '/v1/alerts',
    {
      config: { scope: 'read' },
      schema: { summary: 'Alerts, newest first', tags: ['read'], querystring: AlertQuery },
    },
    async (request) => {
      const q = request.query as Static<typeof AlertQuery>;
      return alerts.list({
        ...(q.userId ? { userId: q.userId } : {}),
        ...(q.status ? { status: q.status as AlertStatus } : {}),
        ...(q.severity ? { severity: q.severity as RiskLevel } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.reason ? { reason: q.reason } : {}),
        ...(q.ip ? { ip: q.ip } : {}),
        ...timeRange(q),
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
    },
  );

  app.get(
    '/v1/audit',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'The audit log: every decision and every admin action, newest first',
        tags: ['admin'],
        querystring: AuditQuery,
      },
    },
    async (request) => {
      const q = request.query as Static<typeof AuditQuery>;
      return audit.list({
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...timeRange(q),
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
    },
  );
}

/** `from`/`to` as epoch ms; a bad date is a 400 naming the parameter. */
export function timeRange(q: { from?: string | number; to?: string | number }): {
  from?: number;
  to?: number;
} {
  const out: { from?: number; to?: number } = {};
  for (const key of ['from', 'to'] as const) {
    const v = q[key];
    if (v === undefined) continue;
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms))
      throw new ApiError('LG_ERR_VALIDATION', `querystring/${key} is not a date: ${String(v)}`);
    out[key] = ms;
  }
  return out;
}
