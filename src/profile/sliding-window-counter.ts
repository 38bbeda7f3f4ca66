/**
 * Counts per key over a sliding time window, in fixed buckets (window / buckets wide).
 * Memory per key is one small ring; keys idle for a whole window are dropped by `prune`.
 * Time is the events' own, so replays give the same counts as live traffic.
 */
export class SlidingWindowCounter {
  private readonly width: number;
  private readonly rings = new Map<string, { head: number; counts: Float64Array }>();

  constructor(
    readonly windowMs: number,
    private readonly buckets = 15,
  ) {
    this.width = windowMs / buckets;
  }

  add(key: string, t: number, n = 1): void {
    const idx = Math.floor(t / this.width);
    let ring = this.rings.get(key);
    if (!ring) {
      ring = { head: idx, counts: new Float64Array(this.buckets) };
      this.rings.set(key, ring);
    } else if (idx > ring.head) {
      const steps = Math.min(idx - ring.head, this.buckets);
      for (let k = 1; k <= steps; k++) ring.counts[(ring.head + k) % this.buckets] = 0;
      ring.head = idx;
    } else if (idx <= ring.head - this.buckets) {
      return; // older than the window: it no longer counts
    }
    ring.counts[idx % this.buckets] = (ring.counts[idx % this.buckets] ?? 0) + n;
  }

  /** Sum over the window ending at `t`. */
  sum(key: string, t: number): number {
    const ring = this.rings.get(key);
    if (!ring) return 0;
    const idx = Math.floor(t / this.width);
    let total = 0;
    for (let k = 0; k < this.buckets; k++) {
      const abs = ring.head - k;
      if (abs <= idx - this.buckets) break;
      if (abs <= idx) total += ring.counts[abs % this.buckets] ?? 0;
    }
    return total;
  }

  /** Drops keys with nothing in the window ending at `t`. */
  prune(t: number): void {
    const oldest = Math.floor(t / this.width) - this.buckets;
    for (const [key, ring] of this.rings) if (ring.head <= oldest) this.rings.delete(key);
  }

  get size(): number {
    return this.rings.size;
  }
}
