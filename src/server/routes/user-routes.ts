import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LockState } from '../../decide/lockout.js';
import type { UserProfile } from '../../profile/user-profile.js';
import { AssessmentRepository } from '../../store/assessment-repository.js';
import { EventRepository } from '../../store/event-repository.js';
import { ApiError } from '../api-errors.js';
import type { AppDeps } from '../app-deps.js';
import { actorOf } from '../auth.js';

const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 256 }) });
const EventIdParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 128 }) });
const FeedbackBody = Type.Object(
  {
    verdict: Type.Union([Type.Literal('attack'), Type.Literal('legitimate')], {
      description:
        '`legitimate`: the baseline learns the login; `attack`: it forgets what the login taught it',
    }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const UnlockBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

/** A user's baseline, lock and recent logins; unlock; feedback on an assessment. */
export async function userRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  const assessments = new AssessmentRepository(deps.db);
  const events = new EventRepository(deps.db);

  app.get(
    '/v1/users/:userId',
    {
      config: { scope: 'read' },
      schema: {
        summary: "A user's baseline (devices, places, networks, hours), lock state and recent logins",
        tags: ['read'],
        params: UserParams,
      },
    },
    async (request) => {
      const { userId } = request.params as Static<typeof UserParams>;
      const { profile, lock } = await deps.scoring.peek(userId);
      const recent = await assessments.list({ userId, limit: 20 });
      if (!profile && !lock && recent.items.length === 0) {
        throw new ApiError('LG_ERR_NOT_FOUND', `No login seen for user ${JSON.stringify(userId)}.`);
      }
      return {
        userId,
        locked: lockView(lock, now()),
        baseline: profile ? baselineView(profile) : null,
        recent: recent.items,
      };
    },
  );

  app.post(
    '/v1/users/:userId/unlock',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Lift an account lock now',
        tags: ['admin'],
        params: UserParams,
        body: Type.Optional(UnlockBody),
      },
    },
    async (request) => {
      const { userId } = request.params as Static<typeof UserParams>;
      const note = (request.body as Static<typeof UnlockBody> | undefined)?.note;
      const { lockBefore } = await deps.scoring.updateUser(
        userId,
        [{ kind: 'unlock' }],
        [
          {
            at: now(),
            actor: actorOf(request),
            action: 'account.unlock',
            target: userId,
            sourceIp: request.ip,
            detail: note ? { note } : {},
          },
        ],
      );
      return { userId, unlocked: true, wasLocked: lockBefore !== undefined && lockBefore.until > now() };
    },
  );

  app.post(
    '/v1/assessments/:eventId/feedback',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Confirm an assessed login as an attack or as legitimate; the baseline learns from it',
        tags: ['admin'],
        params: EventIdParams,
        body: FeedbackBody,
      },
    },
    async (request) => {
      const { eventId } = request.params as Static<typeof EventIdParams>;
      const { verdict, note } = request.body as Static<typeof FeedbackBody>;
      const event = await events.get(eventId);
      if (!event) throw new ApiError('LG_ERR_NOT_FOUND', `No stored event ${JSON.stringify(eventId)}.`);
      const { learned, forgotten } = await deps.scoring.updateUser(
        event.userId,
        [
          verdict === 'legitimate'
            ? { kind: 'learn', event }
            : { kind: 'forget', timestampMs: event.timestampMs },
        ],
        [
          {
            at: now(),
            actor: actorOf(request),
            action: `feedback.${verdict}`,
            target: event.userId,
            sourceIp: request.ip,
            detail: { eventId, ...(note ? { note } : {}) },
          },
        ],
      );
      return { eventId, userId: event.userId, verdict, learned, forgotten };
    },
  );
}

function lockView(lock: LockState | undefined, nowMs: number) {
  if (!lock || lock.until <= nowMs) return null;
  return { until: new Date(lock.until).toISOString(), lockCount: lock.count };
}

/**
 * The baseline as people read it: habits by weight; the hour-of-week histogram (in the user's home
 * time zone, Monday 00:00 first) as shares of the week and folded to hours of the day.
 */
function baselineView(p: UserProfile) {
  const list = <E extends { w: number; t: number; f: number }>(
    map: Map<string, E>,
    extra?: (e: E) => object,
  ) =>
    [...map]
      .sort((a, b) => b[1].w - a[1].w)
      .map(([key, e]) => ({
        key,
        weight: Math.round(e.w * 100) / 100,
        firstSeen: new Date(e.f).toISOString(),
        lastSeen: new Date(e.t).toISOString(),
        ...(extra ? extra(e) : {}),
      }));
  const byHour = new Array<number>(24).fill(0);
  p.hours.forEach((w, i) => {
    byHour[i % 24] = (byHour[i % 24] ?? 0) + w;
  });
  const total = byHour.reduce((a, b) => a + b, 0) || 1;
  const byWeekHour = Array.from({ length: 168 }, (_, i) => p.hours[i] ?? 0);
  return {
    learnedLogins: p.learned,
    firstSeen: new Date(p.firstSeen).toISOString(),
    lastSeen: new Date(p.lastSeen).toISOString(),
    homeTimeZone: p.home ?? null,
    devices: list(p.devices, (e) => ({ label: (e as { label?: string }).label })),
    countries: list(p.countries),
    cities: list(p.cities),
    networks: list(p.networks),
    hoursOfDayShare: byHour.map((w) => Math.round((w / total) * 1000) / 1000),
    // 168 cells: four decimals, or a habit of one login a month would round to nothing.
    hoursOfWeekShare: byWeekHour.map((w) => Math.round((w / total) * 10_000) / 10_000),
    lastLocatedLogin: p.lastLocated
      ? {
          at: new Date(p.lastLocated.t).toISOString(),
          country: p.lastLocated.country,
          city: p.lastLocated.city ?? null,
        }
      : null,
    novelty: p.novelty,
  };
}
