import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyRepository, VerifiedApiKey } from '../store/api-key-repository.js';
import { type ApiKeyScope, scopeAllows } from '../store/api-key-scope.js';
import { ApiError } from './api-errors.js';
import { CSRF_HEADER, csrfTokenMatches, SESSION_COOKIE, type Session, type SessionStore } from './session.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a key needs for this route; routes without one are public (health, docs). */
    scope?: ApiKeyScope;
  }
  interface FastifyRequest {
    apiKey?: VerifiedApiKey;
    /** Set when the request was authenticated by the dashboard's session cookie, not a key. */
    session?: Session;
  }
}

/** How long a verified key is trusted without asking the store again; revocation takes this long. */
const CACHE_MS = 5_000;

/** Methods that change nothing: a session cookie alone is enough for them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * API-key authentication: `Authorization: Bearer <key>` (or `X-API-Key: <key>`) checked against
 * the hashed keys in the store, then the route's scope. Missing or unknown key → 401, wrong scope
 * → 403, both as JSON errors with a stable code.
 *
 * With `sessions`, a request without a key may instead carry the dashboard's signed session
 * cookie (see `session.ts`); it then has the scopes of the key the session was opened with. A
 * browser sends cookies on its own, so a cookie-authenticated unsafe request (POST, DELETE…) must
 * also carry the session's CSRF token in `X-CSRF-Token`: another site can neither read that token
 * nor set a custom header on a cross-origin request without a CORS preflight, which this server
 * never grants. (SameSite=Strict on the cookie is the first line; the token covers browsers and
 * same-site subdomains that SameSite does not.)
 */
export function registerAuth(
  app: FastifyInstance,
  keys: ApiKeyRepository,
  now: () => number = Date.now,
  sessions?: SessionStore,
): void {
  const cache = new Map<string, { key: VerifiedApiKey | undefined; until: number }>();

  async function verify(presented: string): Promise<VerifiedApiKey | undefined> {
    const t = now();
    const hit = cache.get(presented);
    if (hit && hit.until > t) return hit.key;
    const key = await keys.verify(presented, t);
    if (cache.size > 10_000) cache.clear(); // a flood of wrong keys must not grow memory
    cache.set(presented, { key, until: t + CACHE_MS });
    return key;
  }

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    const presented = presentedKey(request);
    let key: VerifiedApiKey | undefined;
    if (presented) {
      key = await verify(presented);
      if (!key) throw new ApiError('LG_ERR_UNAUTHORIZED', 'This API key is unknown or revoked.');
    } else {
      const session = sessions ? await sessionOf(request, sessions) : undefined;
      if (!session) throw new ApiError('LG_ERR_UNAUTHORIZED');
      if (!SAFE_METHODS.has(request.method)) {
        const token = request.headers[CSRF_HEADER];
        if (!csrfTokenMatches(session, typeof token === 'string' ? token : undefined)) {
          throw new ApiError(
            'LG_ERR_FORBIDDEN',
            `A request signed in by cookie must carry the session's CSRF token in ${CSRF_HEADER}.`,
            { needed: 'csrf' },
          );
        }
      }
      request.session = session;
      key = session.key;
    }
    request.apiKey = key;
    if (!scopeAllows(key.scopes, scope)) {
      throw new ApiError(
        'LG_ERR_FORBIDDEN',
        `This route needs the "${scope}" scope; the key has ${key.scopes.join(', ')}.`,
        {
          needed: scope,
        },
      );
    }
  });
}

/** The live session named by the request's signed session cookie, if any. */
export async function sessionOf(
  request: FastifyRequest,
  sessions: SessionStore,
): Promise<Session | undefined> {
  const raw = request.cookies?.[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  return sessions.get(unsigned.value);
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const alt = request.headers['x-api-key'];
  return typeof alt === 'string' && alt.length > 0 ? alt : undefined;
}

/** Who did it, for the audit log: the key's id and name. */
export function actorOf(request: FastifyRequest): string {
  return request.apiKey ? `key:${request.apiKey.id} (${request.apiKey.name})` : 'anonymous';
}
