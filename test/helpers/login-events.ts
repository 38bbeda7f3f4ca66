import { resolveScoringConfig, type ScoringConfigInput } from '../../src/config/resolve-config.js';
import type { Assessment } from '../../src/event/assessment.js';
import type { LoginEvent } from '../../src/event/login-event.js';
import { validateEvent } from '../../src/event/validate-event.js';
import { createPipeline } from '../../src/pipeline.js';
import { MemoryScoringState } from '../../src/profile/scoring-state.js';
import { generateDataset } from '../../src/simulate/generate-dataset.js';
import { FakeEnricher } from './fake-enricher.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export { HOUR, MIN };

let counter = 0;

/** A login event with sensible defaults; override what the test is about. */
export function loginEvent(over: Partial<LoginEvent> & { at: number }): LoginEvent {
  const { at, ...rest } = over;
  return {
    eventId: `ev-${++counter}`,
    userId: 'alice@example.com',
    timestampMs: at,
    success: true,
    ip: '10.0.0.1',
    deviceId: 'alice-laptop',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120',
    attributes: {},
    ...rest,
  };
}

/** 2024-03-04 is a Monday; 04:30 UTC is 10:00 in Delhi. */
export const MONDAY_10_DELHI = Date.UTC(2024, 2, 4, 4, 30);

/** A pipeline over a fake enricher and fresh in-memory state. */
export function testPipeline(config: ScoringConfigInput = {}) {
  const enricher = new FakeEnricher();
  const resolved = resolveScoringConfig(config);
  const pipeline = createPipeline({ enricher, config: resolved });
  const state = new MemoryScoringState(resolved);
  return {
    enricher,
    state,
    config: resolved,
    assess: (event: LoginEvent): Assessment => pipeline.assess(event, state),
    /** Working-day logins from `days` days of ordinary life ending before `until`. */
    history(days: number, until: number, over: Partial<LoginEvent> = {}): void {
      for (let d = days; d >= 1; d--) {
        for (const offsetH of [0, 3, 6])
          pipeline.assess(loginEvent({ at: until - d * DAY + offsetH * HOUR, ...over }), state);
      }
    },
  };
}

export function codes(a: Assessment): string[] {
  return a.reasons.map((r) => r.code);
}

/** A generated dataset's events, validated as the API would (`loginguard generate` with these settings). */
export function generatedLoginEvents(settings: { users: number; days: number; seed: number }): LoginEvent[] {
  const events: LoginEvent[] = [];
  for (const record of generateDataset(settings).records) {
    const result = validateEvent(record);
    if (result.ok) events.push(result.event);
  }
  return events;
}
