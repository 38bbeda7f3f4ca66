/**
 * Exponential decay of habit weights: a weight `w` last touched at `t` is worth
 * `w · 2^(-(now - t) / halfLife)` at `now`. Old behaviour fades without a sweep, and one
 * number per entry is all the state we keep.
 */
export function decayed(weight: number, lastMs: number, nowMs: number, halfLifeMs: number): number {
  const age = nowMs - lastMs;
  // exp(−ln2·x) rather than 2^(−x): the same value, and V8 computes it about twice as fast; this
  // runs for every habit entry a login touches.
  return age <= 0 ? weight : weight * Math.exp((-Math.LN2 * age) / halfLifeMs);
}
