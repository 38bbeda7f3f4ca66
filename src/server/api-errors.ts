/**
 * Every error the API answers with: a stable code, an HTTP status and a sentence. docs/API.md
 * lists each one (a test checks it). Responses are `{ "error": { "code", "message", ...details } }`
 * and never carry a stack trace.
 */
export const API_ERRORS = {
  LG_ERR_UNAUTHORIZED: { status: 401, message: 'A valid API key is required (Authorization: Bearer <key>).' },
  LG_ERR_FORBIDDEN: { status: 403, message: 'This API key lacks the scope this route needs.' },
  LG_ERR_VALIDATION: { status: 400, message: 'The request is not valid.' },
  LG_ERR_INVALID_EVENT: { status: 400, message: 'The event is not valid.' },
  LG_ERR_BATCH_TOO_LARGE: { status: 413, message: 'Too many events in one request.' },
  LG_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  LG_ERR_NOT_FOUND: { status: 404, message: 'Not found.' },
  LG_ERR_INVALID_CURSOR: { status: 400, message: 'The cursor is not one this API gave out.' },
  LG_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests for this API key; retry later.' },
  LG_ERR_BACKLOG: { status: 503, message: 'The queue is over its bound; retry later.' },
  LG_ERR_NOT_READY: {
    status: 503,
    message: 'The service is starting, stopping, or restarting its scoring; retry shortly.',
  },
  LG_ERR_STORAGE_UNAVAILABLE: {
    status: 503,
    message:
      'The database cannot take this request now (busy, out of space or failing); nothing was done, retry shortly.',
  },
  LG_ERR_INTERNAL: { status: 500, message: 'Internal error; it has been logged.' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Thrown by routes and hooks; the app's error handler turns it into the JSON error body. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? API_ERRORS[code].message);
    this.name = 'ApiError';
    this.status = API_ERRORS[code].status;
  }
}

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string } & Record<string, unknown>;
}

export function errorBody(err: ApiError): ApiErrorBody {
  return { error: { code: err.code, message: err.message, ...err.details } };
}
