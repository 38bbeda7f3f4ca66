import { type Static, Type } from '@sinclair/typebox';
import escapeHtml from 'escape-html';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AlertEngine } from '../../alert/alert-engine.js';
import { LANDING_HEADERS, landingPage } from '../../alert/landing-page.js';
import type { LinkCheck, LinkClaims, LinkRefusal } from '../../alert/link-tokens.js';
import { summarizeLogin } from '../../alert/login-summary.js';
import { ALERT_STATUSES, AlertRepository, type AlertStatus } from '../../store/alert-repository.js';
import { AssessmentRepository } from '../../store/assessment-repository.js';
import { type AuditEntry, AuditRepository } from '../../store/audit-repository.js';
import { EventRepository } from '../../store/event-repository.js';
import { ApiError } from '../api-errors.js';
import type { AppDeps } from '../app-deps.js';
import { actorOf } from '../auth.js';

const HOUR_MS = 3600_000;
// In the query, not the path: a token is longer than the router allows a path parameter to be.
const TokenQuery = Type.Object({ token: Type.String({ minLength: 3, maxLength: 2048 }) });
const DeliveryQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
  ),
  alertId: Type.Optional(Type.String({ maxLength: 128 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});
const AlertParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const StatusBody = Type.Object(
  {
    status: Type.Union(ALERT_STATUSES.map((s) => Type.Literal(s))),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const REFUSED: Record<LinkRefusal, { status: number; text: string }> = {
  invalid: {
    status: 400,
    text: 'This link is not valid. Copy the whole link from the mail, or ask your administrator.',
  },
  expired: {
    status: 410,
    text: 'This link has expired. If a sign-in was not yours, change your password and tell your administrator.',
  },
  used: {
    status: 410,
    text: 'This link has been used already: the mail was answered. Nothing more was changed.',
  },
};

/**
 * The pages behind the links of "was this you?" mails (public: the signed token is the
 * credential), the webhook delivery log, and alert status changes.
 *
 * A GET only shows the question and a button: mail scanners fetch links before people do, so
 * only the POST of that button acts.
 */
export async function alertRoutes(app: FastifyInstance, deps: AppDeps, engine: AlertEngine): Promise<void> {
  const now = deps.now ?? Date.now;
  const events = new EventRepository(deps.db);
  const assessments = new AssessmentRepository(deps.db);
  const alerts = new AlertRepository(deps.db);
  const audit = new AuditRepository(deps.db);
  const lockHours = deps.config.service.alerts.secureLockHours;

  // The landing form posts an empty urlencoded body; this scope only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const page = (reply: FastifyReply, status: number, title: string, body: string) =>
    reply.code(status).headers(LANDING_HEADERS).send(landingPage(title, body));
  const refused = (reply: FastifyReply, check: Exclude<LinkCheck, { ok: true }>) =>
    page(
      reply,
      REFUSED[check.reason].status,
      'Link refused',
      `<p>${escapeHtml(REFUSED[check.reason].text)}</p>`,
    );

  app.get('/alerts/link', { schema: { hide: true, querystring: TokenQuery } }, async (request, reply) => {
    const { token } = request.query as Static<typeof TokenQuery>;
    const check = await engine.links.check(token, now());
    if (!check.ok) return refused(reply, check);
    const { claims } = check;
    const assessment = await assessments.get(claims.eventId, claims.ts);
    const login = assessment
      ? summarizeLogin(assessment, await events.get(claims.eventId, claims.ts))
      : undefined;
    const facts = login
      ? `<table><tr><th>When</th><td>${escapeHtml(login.when)}</td></tr><tr><th>Where</th><td>${escapeHtml(
          login.where,
        )}</td></tr><tr><th>Device</th><td>${escapeHtml(login.device)}</td></tr><tr><th>IP address</th><td>${escapeHtml(
          login.ip,
        )}</td></tr></table>`
      : '';
    const confirm = claims.action === 'confirm';
    const body = `<p>Account: <b>${escapeHtml(claims.userId)}</b></p>${facts}
<p>${
      confirm
        ? 'Confirm that this sign-in was you: it will be treated as your normal device and place from now on.'
        : 'If this sign-in was not you, we lock your account and alert the security team. Change your password next.'
    }</p>
<form method="post"><button type="submit">${confirm ? 'Yes, it was me' : 'No, secure my account'}</button></form>`;
    return page(reply, 200, confirm ? 'Was this you?' : 'Secure your account', body);
  });

  app.post('/alerts/link', { schema: { hide: true, querystring: TokenQuery } }, async (request, reply) => {
    const { token } = request.query as Static<typeof TokenQuery>;
    const t = now();
    const check = await engine.links.consume(token, t);
    if (!check.ok) {
      await audit.append([
        {
          at: t,
          actor: 'link',
          action: 'alert.link.refused',
          sourceIp: request.ip,
          detail: { reason: check.reason },
        },
      ]);
      return refused(reply, check);
    }
    const { claims } = check;
    if (claims.action === 'confirm') {
      await confirm(claims, request.ip, t);
      return page(reply, 200, 'Thank you', '<p>The sign-in is confirmed as yours. Nothing else to do.</p>');
    }
    await secure(claims, request.ip, t);
    return page(
      reply,
      200,
      'Your account is locked',
      `<p>Your account is locked and the security team has been told. Change your password; an administrator will unlock the account.</p>`,
    );
  });

  /** An audit entry for what a mail link did, by the link's mail. */
  function linkEntry(
    claims: LinkClaims,
    ip: string,
    t: number,
    action: string,
    detail: Record<string, unknown>,
  ): AuditEntry {
    return { at: t, actor: `link:${claims.mailId}`, action, target: claims.userId, sourceIp: ip, detail };
  }

  /** "Yes, it was me": feedback `legitimate` (the baseline learns the login if it succeeded). */
  async function confirm(claims: LinkClaims, ip: string, t: number): Promise<void> {
    const event = await events.get(claims.eventId, claims.ts);
    // Known before the change runs: the audit entries are built before it.
    const learned = event?.success === true;
    await deps.scoring.updateUser(claims.userId, event && learned ? [{ kind: 'learn', event }] : [], [
      linkEntry(claims, ip, t, 'alert.link.confirm', { eventId: claims.eventId }),
      linkEntry(claims, ip, t, 'feedback.legitimate', { eventId: claims.eventId, learned }),
    ]);
  }

  /** "No, secure my account": lock, feedback `attack` (the baseline forgets the login), tell the team. */
  async function secure(claims: LinkClaims, ip: string, t: number): Promise<void> {
    const event = await events.get(claims.eventId, claims.ts);
    // The scorer compares locks with event times: start from the later of now and the login.
    const from = Math.max(t, claims.ts);
    const until = from + lockHours * HOUR_MS;
    const { forgotten } = await deps.scoring.updateUser(
      claims.userId,
      [
        { kind: 'lock', until, at: from },
        ...(event ? [{ kind: 'forget' as const, timestampMs: event.timestampMs }] : []),
      ],
      [
        linkEntry(claims, ip, t, 'alert.link.secure', { eventId: claims.eventId }),
        linkEntry(claims, ip, t, 'account.lock', {
          until: new Date(until).toISOString(),
          reason: 'user_report',
        }),
        linkEntry(claims, ip, t, 'feedback.attack', { eventId: claims.eventId }),
      ],
    );
    if (forgotten.length > 0) deps.log.info({ userId: claims.userId, forgotten }, 'reported login unlearned');
    try {
      await engine.reportCompromise(claims, event, await assessments.get(claims.eventId, claims.ts));
    } catch (err) {
      deps.log.error({ err, userId: claims.userId }, 'alerting the team of a reported compromise failed');
    }
  }

  app.get(
    '/v1/webhooks/deliveries',
    {
      config: { scope: 'admin' },
      schema: {
        summary:
          'The webhook delivery log, newest first: delivered, pending (with the next try) and dead-lettered',
        tags: ['admin'],
        querystring: DeliveryQuery,
      },
    },
    async (request) => {
      const q = request.query as Static<typeof DeliveryQuery>;
      return engine.webhooks.list({
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.alertId ? { alertId: q.alertId } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
    },
  );

  app.post(
    '/v1/alerts/:id/status',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Acknowledge or resolve an alert (or open it again)',
        tags: ['admin'],
        params: AlertParams,
        body: StatusBody,
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof AlertParams>;
      const { status, note } = request.body as Static<typeof StatusBody>;
      if (!(await alerts.setStatus(id, status as AlertStatus))) {
        throw new ApiError('LG_ERR_NOT_FOUND', `No alert ${JSON.stringify(id)}.`);
      }
      await audit.append([
        {
          at: now(),
          actor: actorOf(request),
          action: `alert.${status}`,
          target: id,
          sourceIp: request.ip,
          detail: note ? { note } : {},
        },
      ]);
      return alerts.get(id);
    },
  );
}
