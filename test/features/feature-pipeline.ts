import { resolveScoringConfig, type ScoringConfigInput } from '../../src/config/resolve-config.js';
import type { DetectionContext } from '../../src/detect/detection-context.js';
import { RULE_DETECTORS } from '../../src/detect/rule-detectors.js';
import type { Enricher } from '../../src/enrich/enricher.js';
import type { Assessment } from '../../src/event/assessment.js';
import type { LoginEvent } from '../../src/event/login-event.js';
import { extractFeatures } from '../../src/features/extract-features.js';
import { FEATURE_COUNT, FEATURE_INDEX, type FeatureName } from '../../src/features/feature-names.js';
import { createPipeline } from '../../src/pipeline.js';
import { MemoryScoringState } from '../../src/profile/scoring-state.js';

/** What one login looked like to the detectors: its features and the context they came from. */
export interface Scored {
  assessment: Assessment;
  features: Float64Array;
  ctx: DetectionContext;
  get(name: FeatureName): number;
}

/**
 * The rule pipeline plus one detector that only observes: it extracts the features of every
 * context the rules see (the way the ML detector will), so tests read real contexts.
 */
export function featurePipeline(enricher: Enricher, config: ScoringConfigInput = {}) {
  const resolved = resolveScoringConfig(config);
  const state = new MemoryScoringState(resolved);
  let features = new Float64Array(FEATURE_COUNT);
  let seen: DetectionContext | undefined;
  let during: ((ctx: DetectionContext, features: Float64Array) => void) | undefined;
  const pipeline = createPipeline({
    enricher,
    config: resolved,
    detectors: [
      ...RULE_DETECTORS,
      (ctx) => {
        extractFeatures(ctx, features);
        seen = ctx;
        during?.(ctx, features);
        return undefined;
      },
    ],
  });
  return {
    config: resolved,
    state,
    /**
     * Scores one event; its features are a fresh array. `whileScoring` runs inside the pipeline,
     * where the context still holds the baseline before this login (it learns afterwards).
     */
    assess(
      event: LoginEvent,
      whileScoring?: (ctx: DetectionContext, features: Float64Array) => void,
    ): Scored {
      features = new Float64Array(FEATURE_COUNT);
      during = whileScoring;
      const assessment = pipeline.assess(event, state);
      during = undefined;
      const row = features;
      if (seen === undefined) throw new Error('the observing detector did not run');
      const ctx = seen;
      seen = undefined;
      return { assessment, features: row, ctx, get: (name) => row[FEATURE_INDEX[name]] ?? Number.NaN };
    },
  };
}
