import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { ConfigError, resolveScoringConfig } from './resolve-config.js';
import type { ScoringConfig } from './scoring-config.js';
import { type ServiceConfig, ServiceConfigSchema } from './service-config.js';

/** The whole configuration of a running service: read once at start, frozen, passed down. */
export interface LoadedConfig {
  service: Readonly<ServiceConfig>;
  scoring: Readonly<ScoringConfig>;
  /** The config file read, if any. */
  file?: string;
}

type ServiceKey = Exclude<keyof ServiceConfig, 'scoring' | 'alerts'>;

/** `LOGINGUARD_*` variable for each setting: the one place the environment is read. */
export const ENV_KEYS: Readonly<Record<ServiceKey, string>> = {
  host: 'LOGINGUARD_HOST',
  port: 'LOGINGUARD_PORT',
  dataDir: 'LOGINGUARD_DATA_DIR',
  databaseUrl: 'LOGINGUARD_DATABASE_URL',
  redisUrl: 'LOGINGUARD_REDIS_URL',
  adminKey: 'LOGINGUARD_ADMIN_KEY',
  logLevel: 'LOGINGUARD_LOG_LEVEL',
  sqliteSynchronous: 'LOGINGUARD_SQLITE_SYNCHRONOUS',
  sqliteBusyTimeoutMs: 'LOGINGUARD_SQLITE_BUSY_TIMEOUT_MS',
  retentionDays: 'LOGINGUARD_RETENTION_DAYS',
  bodyLimitBytes: 'LOGINGUARD_BODY_LIMIT_BYTES',
  maxBatch: 'LOGINGUARD_MAX_BATCH',
  rateLimitPerMinute: 'LOGINGUARD_RATE_LIMIT_PER_MINUTE',
  maxQueueDepth: 'LOGINGUARD_MAX_QUEUE_DEPTH',
  maxAlertingBacklog: 'LOGINGUARD_MAX_ALERTING_BACKLOG',
  worker: 'LOGINGUARD_WORKER',
  scoringThread: 'LOGINGUARD_SCORING_THREAD',
  profileFlushMs: 'LOGINGUARD_PROFILE_FLUSH_MS',
  profileCacheUsers: 'LOGINGUARD_PROFILE_CACHE_USERS',
  scoringHeapMb: 'LOGINGUARD_SCORING_HEAP_MB',
  workerBatch: 'LOGINGUARD_WORKER_BATCH',
  leaseMs: 'LOGINGUARD_LEASE_MS',
  maxAttempts: 'LOGINGUARD_MAX_ATTEMPTS',
  demo: 'LOGINGUARD_DEMO',
  modelsDir: 'LOGINGUARD_MODELS_DIR',
  modelsAutoFitAfter: 'LOGINGUARD_MODELS_AUTO_FIT_AFTER',
  smtpUrl: 'LOGINGUARD_SMTP_URL',
  mailDir: 'LOGINGUARD_MAIL_DIR',
  mailFrom: 'LOGINGUARD_MAIL_FROM',
  publicUrl: 'LOGINGUARD_PUBLIC_URL',
  linkSecret: 'LOGINGUARD_LINK_SECRET',
  alertTeamEmails: 'LOGINGUARD_ALERT_TEAM_EMAILS',
  webhookUrls: 'LOGINGUARD_WEBHOOK_URLS',
  webhookSecret: 'LOGINGUARD_WEBHOOK_SECRET',
};
/** Names the path of a JSON config file: service keys at the top, scoring settings under `scoring`. */
export const CONFIG_FILE_ENV = 'LOGINGUARD_CONFIG';

/**
 * Builds the configuration from defaults, then the config file (`LOGINGUARD_CONFIG` or
 * `options.file`), then `LOGINGUARD_*` variables, then `options.overrides` (command-line flags).
 * A bad value throws a ConfigError naming the key (variable or file key) and the reason.
 */
export function loadServiceConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: { file?: string; overrides?: Partial<ServiceConfig> } = {},
): LoadedConfig {
  const known = new Set<string>([...Object.values(ENV_KEYS), CONFIG_FILE_ENV]);
  for (const name of Object.keys(env)) {
    if (name.startsWith('LOGINGUARD_') && !known.has(name)) {
      throw new ConfigError(name, `is not a setting (known: ${[...known].sort().join(', ')})`);
    }
  }
  const file = options.file ?? env[CONFIG_FILE_ENV];
  const fromFile = file ? readConfigFile(file) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, name] of Object.entries(ENV_KEYS) as [ServiceKey, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    merged[key] = convert(key, name, raw);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) merged[key] = value;
  }

  const value = Value.Default(ServiceConfigSchema, merged);
  const error = Value.Errors(ServiceConfigSchema, value).First();
  if (error) {
    const key = error.path.replace(/^\//, '').split('/')[0] ?? '';
    const name =
      key === 'alerts'
        ? error.path.replace(/^\//, '').replaceAll('/', '.')
        : key in ENV_KEYS && env[ENV_KEYS[key as ServiceKey]]
          ? ENV_KEYS[key as ServiceKey]
          : key || '(root)';
    throw new ConfigError(name, `${error.message} (got ${JSON.stringify(error.value)})`);
  }
  const service = value as ServiceConfig;
  if (service.webhookUrls.length > 0 && !service.webhookSecret) {
    throw new ConfigError(ENV_KEYS.webhookSecret, 'is required when webhook URLs are set (it signs them)');
  }
  let scoring: Readonly<ScoringConfig>;
  try {
    scoring = resolveScoringConfig(service.scoring ?? {});
  } catch (err) {
    if (err instanceof ConfigError)
      throw new ConfigError(`scoring.${err.key}`, err.message.replace(/^config \S+: /, ''));
    throw err;
  }
  Object.freeze(service);
  return Object.freeze({ service, scoring, ...(file ? { file } : {}) });
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(CONFIG_FILE_ENV, `cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(CONFIG_FILE_ENV, `${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(CONFIG_FILE_ENV, `${path} must hold a JSON object`);
  }
  const allowed = new Set<string>([...Object.keys(ENV_KEYS), 'scoring', 'alerts']);
  for (const key of Object.keys(parsed)) {
    if (!allowed.has(key)) throw new ConfigError(key, `is not a setting (in ${path})`);
  }
  return parsed as Record<string, unknown>;
}

/** Environment values are strings: turn them into the schema's type, or say why not. */
function convert(key: ServiceKey, name: string, raw: string): unknown {
  const schema = ServiceConfigSchema.properties[key] as { type?: string; anyOf?: unknown };
  if (schema.type === 'integer' || schema.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new ConfigError(name, `must be a number (got "${raw}")`);
    return n;
  }
  if (schema.type === 'array') {
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  if (schema.type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(name, `must be true or false (got "${raw}")`);
  }
  return raw;
}
