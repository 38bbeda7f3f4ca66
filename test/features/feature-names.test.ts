import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FEATURE_COUNT,
  FEATURE_INDEX,
  FEATURE_NAMES,
  FEATURE_SCHEMA_VERSION,
  FEATURES,
  featureSpec,
} from '../../src/features/feature-names.js';

describe('feature names', () => {
  it('are unique snake_case names, in the order of the specs', () => {
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    for (const name of FEATURE_NAMES) expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    expect(FEATURE_NAMES).toEqual(FEATURES.map((f) => f.name));
    expect(FEATURE_COUNT).toBe(FEATURE_NAMES.length);
    FEATURE_NAMES.forEach((name, i) => {
      expect(FEATURE_INDEX[name]).toBe(i);
    });
  });

  it('each have a bounded range that holds their missing value', () => {
    for (const f of FEATURES) {
      expect([f.name, Number.isFinite(f.min) && Number.isFinite(f.max) && f.min < f.max]).toEqual([
        f.name,
        true,
      ]);
      expect([f.name, f.min <= f.missing && f.missing <= f.max]).toEqual([f.name, true]);
    }
  });

  it('carry a schema version for model files, and a spec by name', () => {
    expect(Number.isInteger(FEATURE_SCHEMA_VERSION) && FEATURE_SCHEMA_VERSION >= 1).toBe(true);
    expect(featureSpec('travel_log_km')?.max).toBeCloseTo(Math.log1p(20_038), 12);
    expect(featureSpec('no_such_feature')).toBeUndefined();
  });

  it('are each documented in docs/features.md, in vector order, with the schema version', () => {
    const doc = readFileSync(new URL('../../docs/features.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) \| `([a-z0-9_]+)` \|/gm)];
    expect(rows.map((m) => m[2])).toEqual([...FEATURE_NAMES]);
    expect(rows.map((m) => Number(m[1]))).toEqual(FEATURE_NAMES.map((_, i) => i));
    expect(doc).toContain(`FEATURE_SCHEMA_VERSION\` is ${FEATURE_SCHEMA_VERSION}`);
  });
});
