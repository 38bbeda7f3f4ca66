import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/**
 * A seeded random source: pure-rand's xoroshiro128+ behind the handful of draws the dataset
 * generator and the models' training need. Every independent actor (a user, the attack planner, the pool) gets
 * its own stream from {@link Rng.fork}, so adding a draw in one place never shifts the numbers
 * another actor sees, and the same seed always gives the same dataset.
 *
 * @example
 * const rng = Rng.fromSeed(42);
 * rng.int(1, 6); // a die roll, the same one every run
 * const userRng = rng.fork('user', 7); // independent stream for user 7
 */
export class Rng {
  private readonly gen: RandomGenerator;
  private readonly key: number;
  private spareNormal: number | undefined;

  private constructor(key: number) {
    this.key = key;
    this.gen = xoroshiro128plus(key);
  }

  /** A stream for a seed (any integer; large ones are hashed in, not truncated). */
  static fromSeed(seed: number): Rng {
    return new Rng(hashParts([seed]));
  }

  /**
   * A stream whose generator is seeded with this 32-bit value as is, not hashed: for callers that
   * already derive well-mixed seeds of their own (the isolation forest's per-tree seeds), so their
   * streams, and the models built from them, stay what they were.
   */
  static fromMixedSeed(seed: number): Rng {
    return new Rng(seed | 0);
  }

  /**
   * An independent stream named by labels. It depends on this stream's seed only, never on how
   * many numbers were drawn from it, so forks can be taken in any order and at any time.
   */
  fork(...parts: readonly (string | number)[]): Rng {
    return new Rng(hashParts([this.key, ...parts]));
  }

  /** Uniform in [0, 1), 53 bits. */
  float(): number {
    const hi = (this.gen.next() >>> 5) * 67108864; // 27 bits shifted by 26
    const lo = this.gen.next() >>> 6; // 26 bits
    return (hi + lo) / 9007199254740992;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Uniform real in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element, uniformly. @throws when the list is empty (a bug in the caller, never data). */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick on an empty list');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** An index drawn with the given non-negative weights (cumulative weights make repeated draws cheap). */
  pickIndexCumulative(cumulative: ArrayLike<number>): number {
    const total = cumulative[cumulative.length - 1] ?? 0;
    const x = this.float() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** One element drawn with the given weights. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    return items[this.pickIndexCumulative(cumulate(weights))] as T;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const value = this.spareNormal;
      this.spareNormal = undefined;
      return value;
    }
    let u = this.float();
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Normal with a mean and standard deviation. */
  gaussian(mean: number, sd: number): number {
    return mean + sd * this.normal();
  }

  /** Log-normal given the median and the sigma of the underlying normal: for durations and gaps. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean: waiting times between independent events. */
  exponential(mean: number): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return -mean * Math.log(u);
  }

  /** Poisson count (Knuth; the generator only asks for small means). */
  poisson(mean: number): number {
    if (mean > 30) return Math.max(0, Math.round(this.gaussian(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** `count` distinct elements (partial Fisher–Yates on a copy), in draw order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.float() * (copy.length - i));
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }

  /** `length` lowercase hex digits: device ids, hashes. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += (this.gen.next() >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

/** Running sums of weights, for {@link Rng.pickIndexCumulative}. */
export function cumulate(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += Math.max(0, weights[i] ?? 0);
    out[i] = sum;
  }
  return out;
}

/** FNV-1a over the parts, then a murmur3 finaliser: a well-mixed 32-bit seed from labels and numbers. */
function hashParts(parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const mix = (byte: number): void => {
    h ^= byte & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  for (const part of parts) {
    const text = typeof part === 'number' ? `n${part}` : `s${part}`;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      mix(c);
      mix(c >>> 8);
    }
    mix(0x1f);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
