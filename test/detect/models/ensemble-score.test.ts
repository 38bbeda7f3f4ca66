import { describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../../src/config/resolve-config.js';
import type { ModelScorer, ModelVerdict } from '../../../src/detect/models/anomaly-ensemble.js';
import { ensembleScore } from '../../../src/detect/models/ensemble-score.js';
import type { Assessment } from '../../../src/event/assessment.js';
import { createPipeline } from '../../../src/pipeline.js';
import { MemoryScoringState } from '../../../src/profile/scoring-state.js';
import { FakeEnricher } from '../../helpers/fake-enricher.js';
import { loginEvent, MONDAY_10_DELHI } from '../../helpers/login-events.js';

describe('ensembleScore', () => {
  it('orders logins with the same risk score by the models, and keeps the order of different risk scores', () => {
    expect(ensembleScore(0.35, 0.99, 0.001)).toBeGreaterThan(ensembleScore(0.35, 0.2, 0.001));
    expect(ensembleScore(0, 0.9, 0.001)).toBeGreaterThan(ensembleScore(0, 0.1, 0.001));
    // The most unusual login at one risk score stays below the most common one a step higher.
    expect(ensembleScore(0.35, 1, 0.001)).toBeLessThan(ensembleScore(0.352, 0, 0.001));
    expect(ensembleScore(0.35, 0.9993, 0.001)).toBe(0.350649);
  });

  it('stays within the share of the risk score, and is the risk score with a share of 0', () => {
    for (const risk of [0, 0.2, 0.5, 0.85, 1]) {
      for (const models of [0, 0.5, 1]) {
        expect(Math.abs(ensembleScore(risk, models, 0.001) - risk)).toBeLessThanOrEqual(0.001 + 1e-12);
      }
      expect(ensembleScore(risk, 0.7, 0)).toBe(risk);
    }
  });

  it('is configured by models.tieBreakShare, 0.001 by default and at most 0.01', () => {
    expect(resolveScoringConfig().models.tieBreakShare).toBe(0.001);
    expect(resolveScoringConfig({ models: { tieBreakShare: 0 } }).models.tieBreakShare).toBe(0);
    expect(() => resolveScoringConfig({ models: { tieBreakShare: 0.5 } })).toThrow(
      /^config models\.tieBreakShare: /,
    );
  });
});

describe('scores.ensemble in the pipeline', () => {
  /** A scorer that says what the test wants: no ML_ANOMALY, only a rank. */
  const scorerSaying = (models: number): ModelScorer => ({
    score: (): ModelVerdict => ({
      scores: { isolationForest: models, autoencoder: models, models },
      signal: undefined,
    }),
  });
  const assessWith = (models: number): Assessment => {
    const config = resolveScoringConfig();
    const pipeline = createPipeline({ enricher: new FakeEnricher(), config, models: scorerSaying(models) });
    return pipeline.assess(loginEvent({ at: MONDAY_10_DELHI }), new MemoryScoringState(config));
  };

  it('ranks two logins the rules score alike by the models, with the same risk score and action', () => {
    const common = assessWith(0.1);
    const rare = assessWith(0.95);
    expect(rare.riskScore).toBe(common.riskScore);
    expect(rare.action).toBe(common.action);
    expect(rare.scores.rules).toBe(common.scores.rules);
    expect(rare.scores.ensemble).toBeGreaterThan(common.scores.ensemble as number);
  });
});
