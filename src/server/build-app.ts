import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import { ApiKeyRepository } from '../store/api-key-repository.js';
import { InvalidCursorError } from '../store/page-cursor.js';
import { isStorageUnavailable } from '../store/storage-unavailable.js';
import { ScoringUnavailableError } from '../worker/scoring.js';
import { ApiError, errorBody } from './api-errors.js';
import type { AppDeps } from './app-deps.js';
import { registerAuth } from './auth.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { ingestRoutes } from './routes/ingest-routes.js';
import { modelsRoutes } from './routes/models-routes.js';
import { queueRoutes } from './routes/queue-routes.js';
import { readRoutes } from './routes/read-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { statsRoutes } from './routes/stats-routes.js';
import { streamRoutes } from './routes/stream-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { SessionStore } from './session.js';

/**
 * The HTTP API (Fastify), ready for `inject()` or `listen()`; the caller listens (STYLE §7).
 * Validation happens at this edge: request schemas (TypeBox) and the event validator.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { service } = deps.config;
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: service.bodyLimitBytes,
    // A log line per request at thousands of requests a second is noise and CPU; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'loginguard API',
        version: '0.1.0',
        description:
          'Real-time login risk: send login events, get allow / challenge / deny, read assessments, alerts and the audit log. Every route but health needs an API key (`Authorization: Bearer lg_…`).',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(errorBody(error));
    if (error instanceof InvalidCursorError) {
      return reply.code(400).send(errorBody(new ApiError('LG_ERR_INVALID_CURSOR', error.message)));
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      return reply.code(400).send(
        errorBody(
          new ApiError(
            'LG_ERR_VALIDATION',
            `${where}${fe.message.startsWith(where) ? fe.message.slice(where.length) : `: ${fe.message}`}`,
            {
              details: fe.validation.map((v) => ({ path: `${where}${v.instancePath}`, message: v.message })),
            },
          ),
        ),
      );
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(
          errorBody(
            new ApiError('LG_ERR_BODY_TOO_LARGE', `The body is over ${service.bodyLimitBytes} bytes.`),
          ),
        );
    }
    if (fe.statusCode === 429) return reply.code(429).send(errorBody(new ApiError('LG_ERR_RATE_LIMITED')));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send(errorBody(new ApiError('LG_ERR_VALIDATION', fe.message)));
    }
    // Trouble that passes: the client may send the same request again (an eventId is idempotent).
    if (error instanceof ScoringUnavailableError) {
      request.log.warn({ err: error }, 'scoring unavailable');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send(errorBody(new ApiError('LG_ERR_NOT_READY')));
    }
    if (isStorageUnavailable(error)) {
      // Logged as an error: a full disk or a failing one needs an operator.
      request.log.error({ err: error }, 'storage unavailable');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send(errorBody(new ApiError('LG_ERR_STORAGE_UNAVAILABLE')));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody(new ApiError('LG_ERR_INTERNAL')));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody(new ApiError('LG_ERR_NOT_FOUND', `No route ${request.method} ${request.url}.`))),
  );

  const sessions = new SessionStore(deps.db, deps.now);
  await app.register(cookie, { secret: sessions.cookieSecret });
  registerAuth(app, new ApiKeyRepository(deps.db), deps.now, sessions);
  await app.register(rateLimit, {
    hook: 'preHandler',
    max: service.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.apiKey?.id ?? request.ip,
    allowList: (request) => !request.routeOptions.config.scope,
    errorResponseBuilder: (_request, context) => {
      const err = new ApiError(
        'LG_ERR_RATE_LIMITED',
        `Over ${context.max} requests per minute for this key; retry in ${context.after}.`,
      );
      return Object.assign(err, { statusCode: 429 });
    },
  });

  await app.register(async (scope) => healthRoutes(scope, deps));
  await app.register(async (scope) => ingestRoutes(scope, deps));
  await app.register(async (scope) => readRoutes(scope, deps));
  await app.register(async (scope) => queueRoutes(scope, deps));
  await app.register(async (scope) => userRoutes(scope, deps));
  await app.register(async (scope) => sessionRoutes(scope, deps, sessions));
  await app.register(async (scope) => streamRoutes(scope, deps));
  await app.register(async (scope) => statsRoutes(scope, deps));
  await app.register(async (scope) => settingsRoutes(scope, deps));
  await app.register(async (scope) => modelsRoutes(scope, deps));
  await app.register(async (scope) => dashboardRoutes(scope));
  return app;
}
