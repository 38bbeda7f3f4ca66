import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiKeyRepository } from '../../store/api-key-repository.js';
import { scopeAllows } from '../../store/api-key-scope.js';
import { AuditRepository } from '../../store/audit-repository.js';
import { ApiError } from '../api-errors.js';
import type { AppDeps } from '../app-deps.js';
import { actorOf } from '../auth.js';
import { SESSION_COOKIE, type Session, type SessionStore } from '../session.js';

const SignInBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 256, description: 'an API key of scope read or admin' }) },
  { additionalProperties: false },
);

/** What the dashboard learns about its session: never the key. */
function sessionView(session: Session) {
  return {
    keyId: session.key.id,
    keyName: session.key.name,
    scopes: session.key.scopes,
    csrfToken: session.csrfToken,
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

/**
 * Dashboard sign-in and sign-out: `POST /v1/session` trades an API key (scope `read` or `admin`)
 * for an httpOnly, SameSite=Strict, signed session cookie; `GET /v1/session` says who is signed in
 * and gives the CSRF token; `DELETE /v1/session` signs out. Sign-in and sign-out are audited.
 */
export async function sessionRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  sessions: SessionStore,
): Promise<void> {
  const now = deps.now ?? Date.now;
  const keys = new ApiKeyRepository(deps.db);
  const audit = new AuditRepository(deps.db);

  const cookieOptions = (request: FastifyRequest) =>
    ({ httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/' }) as const;

  app.post(
    '/v1/session',
    {
      schema: {
        summary: 'Dashboard sign-in: an API key (scope read or admin) for a session cookie',
        tags: ['session'],
        body: SignInBody,
      },
    },
    async (request, reply) => {
      const { key: presented } = request.body as Static<typeof SignInBody>;
      const key = await keys.verify(presented, now());
      if (!key) throw new ApiError('LG_ERR_UNAUTHORIZED', 'This API key is unknown or revoked.');
      if (!scopeAllows(key.scopes, 'read')) {
        throw new ApiError(
          'LG_ERR_FORBIDDEN',
          `Signing in to the dashboard needs a key of scope read or admin; this one has ${key.scopes.join(', ')}.`,
          { needed: 'read' },
        );
      }
      const session = sessions.create(key);
      request.apiKey = key;
      await audit.append([
        { at: now(), actor: actorOf(request), action: 'session.create', sourceIp: request.ip, detail: {} },
      ]);
      reply.setCookie(SESSION_COOKIE, session.id, {
        ...cookieOptions(request),
        signed: true,
        maxAge: Math.floor(sessions.ttlMs / 1000),
      });
      return sessionView(session);
    },
  );

  app.get(
    '/v1/session',
    {
      config: { scope: 'read' },
      schema: { summary: 'Who is signed in, and the CSRF token for unsafe requests', tags: ['session'] },
    },
    async (request) => {
      if (!request.session) {
        throw new ApiError('LG_ERR_NOT_FOUND', 'This request carries an API key, not a dashboard session.');
      }
      return sessionView(request.session);
    },
  );

  app.delete(
    '/v1/session',
    {
      config: { scope: 'read' },
      schema: { summary: 'Sign out: ends the dashboard session', tags: ['session'] },
    },
    async (request, reply) => {
      if (request.session) {
        sessions.delete(request.session.id);
        await audit.append([
          { at: now(), actor: actorOf(request), action: 'session.delete', sourceIp: request.ip, detail: {} },
        ]);
      }
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return { signedOut: request.session !== undefined };
    },
  );
}
