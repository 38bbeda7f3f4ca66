/** An error answer of the API (`{error: {code, message}}`), or a network failure (`LG_ERR_NETWORK`). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** What the server says about the signed-in session (never the key). */
export interface SessionInfo {
  keyId: string;
  keyName: string;
  scopes: string[];
  csrfToken: string;
  expiresAt: string;
}

// The CSRF token lives in memory only: after a reload the page asks GET /v1/session for it again.
let csrfToken: string | undefined;

/**
 * Calls the loginguard API with the session cookie (same origin; the key never reaches script).
 * Unsafe methods carry the session's CSRF token.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (err) {
    throw new ApiRequestError(0, 'LG_ERR_NETWORK', `The server cannot be reached (${String(err)}).`);
  }
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiRequestError(
      res.status,
      error?.code ?? 'LG_ERR_HTTP',
      error?.message ?? `HTTP ${res.status}`,
    );
  }
  return body as T;
}

export async function currentSession(): Promise<SessionInfo | undefined> {
  try {
    const s = await api<SessionInfo>('/v1/session');
    csrfToken = s.csrfToken;
    return s;
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) return undefined;
    throw err;
  }
}

export async function signIn(key: string): Promise<SessionInfo> {
  const s = await api<SessionInfo>('/v1/session', { method: 'POST', body: { key } });
  csrfToken = s.csrfToken;
  return s;
}

export async function signOut(): Promise<void> {
  await api('/v1/session', { method: 'DELETE' });
  csrfToken = undefined;
}

/** `?a=1&b=x` from the defined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
