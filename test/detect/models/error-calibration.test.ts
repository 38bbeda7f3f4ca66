import { describe, expect, it } from 'vitest';
import { ErrorCalibration } from '../../../src/detect/models/error-calibration.js';

describe('ErrorCalibration', () => {
  // 0, 0.0001, …, 1: the rank of an error is (nearly) the error itself.
  const errors = Float64Array.from({ length: 10_001 }, (_, i) => i / 10_000);
  const cal = ErrorCalibration.fromErrors(errors.slice().reverse());

  it('ranks an error by the share of calibration errors below it', () => {
    expect(cal.rank(0.25)).toBeCloseTo(0.25, 6);
    expect(cal.rank(0.995)).toBeCloseTo(0.995, 6);
    expect(cal.rank(0.99995)).toBeCloseTo(0.99995, 6);
    expect(cal.rank(-1)).toBe(0);
    expect(cal.rank(2)).toBe(1);
    expect(cal.rank(Number.NaN)).toBeNaN();
  });

  it('gives the error at a probability', () => {
    expect(cal.quantile(0.999)).toBeCloseTo(0.999, 9);
    expect(cal.quantile(0.5)).toBeCloseTo(0.5, 9);
    expect(cal.quantile(1)).toBe(1);
  });

  it('round-trips through JSON and rejects a table that is not one', () => {
    const back = ErrorCalibration.fromJSON(JSON.parse(JSON.stringify(cal.toJSON())));
    expect(back.rank(0.4321)).toBe(cal.rank(0.4321));
    expect(back.rows).toBe(10_001);
    const json = cal.toJSON();
    json.values[3] = -1;
    expect(() => ErrorCalibration.fromJSON(json)).toThrow(/non-decreasing/);
    expect(() => ErrorCalibration.fromErrors([])).toThrow(/no errors/);
  });
});
