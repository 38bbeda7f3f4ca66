import { Value } from '@sinclair/typebox/value';
import { type ScoringConfig, ScoringConfigSchema } from './scoring-config.js';

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`config ${key}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type ScoringConfigInput = DeepPartial<ScoringConfig>;

/**
 * Fills defaults into a partial config, validates it and freezes it. A bad value throws a
 * ConfigError naming the key and the reason, so a bad config stops start-up.
 */
export function resolveScoringConfig(input: unknown = {}): Readonly<ScoringConfig> {
  const value = Value.Default(ScoringConfigSchema, structuredClone(withSections(input)));
  const firstError = Value.Errors(ScoringConfigSchema, value).First();
  if (firstError) {
    const key = firstError.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    throw new ConfigError(key, `${firstError.message} (got ${JSON.stringify(firstError.value)})`);
  }
  const config = value as ScoringConfig;
  if (config.policy.challengeThreshold > config.policy.denyThreshold) {
    throw new ConfigError('policy.challengeThreshold', 'must not be above policy.denyThreshold');
  }
  return deepFreeze(config);
}

function withSections(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = typeof input === 'object' && input !== null ? { ...input } : {};
  for (const key of Object.keys(ScoringConfigSchema.properties)) out[key] ??= {};
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
