import { describe, expect, it } from 'vitest';
import { resolveScoringConfig } from '../../src/config/resolve-config.js';

describe('scoring config', () => {
  it('fills every default and freezes the result', () => {
    const config = resolveScoringConfig();
    expect(config.policy).toEqual({
      challengeThreshold: 0.5,
      denyThreshold: 0.85,
      mediumThreshold: 0.3,
      mode: 'enforce',
    });
    expect(config.lockout.fastFailures).toBe(10);
    expect(Object.isFrozen(config.lockout)).toBe(true);
  });

  it('keeps what is given and defaults the rest of the section', () => {
    const config = resolveScoringConfig({ lockout: { fastFailures: 5 } });
    expect(config.lockout.fastFailures).toBe(5);
    expect(config.lockout.baseDurationMin).toBe(5);
  });

  it('names the key and the reason for a bad value', () => {
    expect(() => resolveScoringConfig({ policy: { denyThreshold: 3 } })).toThrow(
      /^config policy\.denyThreshold: Expected number to be less or equal to 1 \(got 3\)$/,
    );
    expect(() => resolveScoringConfig({ lockout: { fastFailures: 'ten' } })).toThrow(
      /^config lockout\.fastFailures: /,
    );
    expect(() => resolveScoringConfig({ policy: { challengeThreshold: 0.9, denyThreshold: 0.8 } })).toThrow(
      /challengeThreshold: must not be above policy\.denyThreshold/,
    );
  });
});
