/**
 * Exponential decay of habit weights: a weight `w` last touched at `t` is worth
 * `w · 2^(-(now - t) / halfLife)` at `now`. Old behaviour fades without a sweep, and one
 * number per entry is all the state we keep.
 */
export function decayed(weight: number, lastMs: number, nowMs: number, halfLifeMs: number): number {
  const age = nowMs - lastMs;
  return age <= 0 ? weight : weight * 2 ** (-age / halfLifeMs);
}
