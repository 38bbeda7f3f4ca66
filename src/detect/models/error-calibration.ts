/** The JSON form of an {@link ErrorCalibration}. */
export interface ErrorCalibrationJSON {
  /** Increasing probabilities from 0 to 1, dense in the upper tail where alerts live. */
  probabilities: number[];
  /** The error at each probability (non-decreasing). */
  values: number[];
  /** How many rows the quantiles were measured on. */
  rows: number;
}

/** 0, 0.01 … 0.99, 0.991 … 0.999, 0.9991 … 0.9999, 1: 118 points, a few KB of JSON. */
function defaultProbabilities(): number[] {
  const ps: number[] = [];
  for (let i = 0; i < 100; i++) ps.push(i / 100);
  for (let i = 1; i < 10; i++) ps.push((990 + i) / 1000);
  for (let i = 1; i < 10; i++) ps.push((9990 + i) / 10000);
  ps.push(1);
  return ps;
}

/**
 * Turns a raw anomaly score (a reconstruction error, with no natural scale) into the fraction of
 * normal rows that score lower: 0.999 means "worse than 99.9% of the logins the model was
 * calibrated on", a number the ensemble and a person can both read. Stores quantiles, not the
 * rows, so it serialises to a few KB.
 *
 * @example
 * const cal = ErrorCalibration.fromErrors(errorsOnNormalRows);
 * cal.rank(0.8); // e.g. 0.995
 */
export class ErrorCalibration {
  readonly probabilities: Float64Array;
  readonly values: Float64Array;
  readonly rows: number;

  private constructor(probabilities: Float64Array, values: Float64Array, rows: number) {
    this.probabilities = probabilities;
    this.values = values;
    this.rows = rows;
  }

  /** Quantiles (linear interpolation between order statistics) of the given errors. @throws when empty or not finite. */
  static fromErrors(errors: ArrayLike<number>): ErrorCalibration {
    if (errors.length === 0) throw new Error('ErrorCalibration: no errors to calibrate on');
    const sorted = Float64Array.from(errors).sort();
    if (!Number.isFinite(sorted[0] as number) || !Number.isFinite(sorted[sorted.length - 1] as number)) {
      throw new Error('ErrorCalibration: errors must be finite');
    }
    const ps = defaultProbabilities();
    const values = new Float64Array(ps.length);
    const last = sorted.length - 1;
    ps.forEach((p, k) => {
      const pos = p * last;
      const lo = Math.floor(pos);
      const hi = Math.min(last, lo + 1);
      const a = sorted[lo] as number;
      values[k] = a + ((sorted[hi] as number) - a) * (pos - lo);
    });
    return new ErrorCalibration(Float64Array.from(ps), values, errors.length);
  }

  /** @throws when the JSON is not a calibration table. */
  static fromJSON(json: unknown): ErrorCalibration {
    const j = json as Partial<ErrorCalibrationJSON> | null;
    const ps = j?.probabilities;
    const vs = j?.values;
    const ok =
      Array.isArray(ps) &&
      Array.isArray(vs) &&
      ps.length >= 2 &&
      ps.length === vs.length &&
      typeof j?.rows === 'number' &&
      ps[0] === 0 &&
      ps[ps.length - 1] === 1 &&
      ps.every((p, i) => typeof p === 'number' && (i === 0 || p > (ps[i - 1] as number))) &&
      vs.every(
        (v, i) => typeof v === 'number' && Number.isFinite(v) && (i === 0 || v >= (vs[i - 1] as number)),
      );
    if (!ok)
      throw new Error('error calibration: expected increasing probabilities 0..1 and non-decreasing values');
    return new ErrorCalibration(Float64Array.from(ps), Float64Array.from(vs), j.rows as number);
  }

  /** Fraction (0..1) of calibration rows with a lower error, interpolated between stored quantiles. NaN stays NaN. */
  rank(error: number): number {
    const vs = this.values;
    const last = vs.length - 1;
    if (Number.isNaN(error)) return Number.NaN;
    if (error < (vs[0] as number)) return 0;
    if (error >= (vs[last] as number)) return 1;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if ((vs[mid] as number) <= error) lo = mid;
      else hi = mid;
    }
    const a = vs[lo] as number;
    const b = vs[hi] as number;
    const pa = this.probabilities[lo] as number;
    const pb = this.probabilities[hi] as number;
    return b > a ? pa + ((pb - pa) * (error - a)) / (b - a) : pb;
  }

  /** The error at probability `p` (0..1), interpolated: e.g. `quantile(0.999)` for an alert threshold. */
  quantile(p: number): number {
    const ps = this.probabilities;
    const q = Math.min(1, Math.max(0, p));
    let k = 1;
    while (k < ps.length - 1 && (ps[k] as number) < q) k++;
    const p0 = ps[k - 1] as number;
    const p1 = ps[k] as number;
    const v0 = this.values[k - 1] as number;
    const v1 = this.values[k] as number;
    return v0 + ((v1 - v0) * (q - p0)) / (p1 - p0);
  }

  toJSON(): ErrorCalibrationJSON {
    return {
      probabilities: Array.from(this.probabilities),
      values: Array.from(this.values),
      rows: this.rows,
    };
  }
}
