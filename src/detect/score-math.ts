/** Linear ramp: y0 at x0, y1 at x1, clamped outside. */
export function ramp(x: number, x0: number, y0: number, x1: number, y1: number): number {
  if (x <= x0) return y0;
  if (x >= x1) return y1;
  return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
}

/** How much a novelty signal still means for a user who often brings new things (rate 0..1). */
export function noveltyDamping(rate: number): number {
  return Math.max(0.2, 1 - 2 * rate);
}
