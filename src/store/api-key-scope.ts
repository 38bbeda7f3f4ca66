/**
 * What an API key may do: `ingest` (send events), `read` (assessments, alerts, profiles),
 * `admin` (keys, settings, the audit log). `admin` implies the other two, so one admin key is
 * enough to run and look after a small deployment.
 */
export type ApiKeyScope = 'ingest' | 'read' | 'admin';

export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['ingest', 'read', 'admin'];

/** Whether a key holding `granted` may do what needs `needed`. */
export function scopeAllows(granted: readonly ApiKeyScope[], needed: ApiKeyScope): boolean {
  return granted.includes(needed) || granted.includes('admin');
}

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}
