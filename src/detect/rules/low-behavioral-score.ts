import type { DetectionContext } from '../detection-context.js';
import type { Signal } from '../signal.js';

/**
 * LOW_BEHAVIORAL_SCORE: the application's behavioural score (typing rhythm, pointer movement;
 * 1 = typical for a person) is low: a script, a replayed session or someone unused to the account.
 */
export function lowBehavioralScore(ctx: DetectionContext): Signal | undefined {
  const b = ctx.event.behavioralScore;
  const low = ctx.config.behavior.lowScore;
  if (b === undefined || b >= low) return undefined;
  return {
    code: 'LOW_BEHAVIORAL_SCORE',
    score: 0.25 + (0.4 * (low - b)) / low,
    message: `Behavioural score ${b.toFixed(2)} is below ${low} (1 = typical for a person)`,
  };
}
