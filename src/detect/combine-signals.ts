import type { Signal } from './signal.js';

/**
 * Rule signals → one score in 0..1, as a noisy-OR: 1 − Π(1 − sᵢ). Each signal is read as an
 * independent chance that the login is an attack; two medium signals together outweigh either.
 * The rules are written so one fact raises one signal (NEW_NETWORK stays quiet when NEW_COUNTRY
 * speaks), which is what makes the independence reading fair.
 */
export function combineSignals(signals: readonly Signal[]): number {
  let clear = 1;
  for (const s of signals) clear *= 1 - Math.min(1, Math.max(0, s.score));
  return 1 - clear;
}
