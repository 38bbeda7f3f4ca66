import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyRepository, VerifiedApiKey } from '../store/api-key-repository.js';
import { type ApiKeyScope, scopeAllows } from '../store/api-key-scope.js';
import { ApiError } from './api-errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a key needs for this route; routes without one are public (health, docs). */
    scope?: ApiKeyScope;
  }
  interface FastifyRequest {
    apiKey?: VerifiedApiKey;
  }
}

/** How long a verified key is trusted without asking the store again; revocation takes this long. */
const CACHE_MS = 5_000;

/**
 * API-key authentication: `Authorization: Bearer <key>` (or `X-API-Key: <key>`) checked against
 * the hashed keys in the store, then the route's scope. Missing or unknown key → 401, wrong scope
 * → 403, both as JSON errors with a stable code.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: ApiKeyRepository,
  now: () => number = Date.now,
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
    if (!presented) throw new ApiError('LG_ERR_UNAUTHORIZED');
    const key = await verify(presented);
    if (!key) throw new ApiError('LG_ERR_UNAUTHORIZED', 'This API key is unknown or revoked.');
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
