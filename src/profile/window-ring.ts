/**
 * A count over a sliding time window, in fixed buckets (window / buckets wide), with a running
 * total so reading is O(1) amortised. Time is the events' own; a late event still inside the
 * window lands in its bucket, one older than the window is ignored.
 */
export class WindowRing {
  // A plain array rather than a Float64Array: rings are created for every new IP and client, and
  // small typed arrays cost several times more to allocate.
  private readonly counts: number[];
  private head = Number.NEGATIVE_INFINITY;
  private total = 0;

  constructor(
    private readonly width: number,
    private readonly buckets: number,
  ) {
    this.counts = new Array<number>(buckets).fill(0);
  }

  /** A ring covering `windowMs` in `buckets` buckets. */
  static over(windowMs: number, buckets: number): WindowRing {
    return new WindowRing(windowMs / buckets, buckets);
  }

  add(t: number, n = 1): void {
    const idx = Math.floor(t / this.width);
    this.advance(idx);
    if (idx <= this.head - this.buckets) return;
    this.counts[idx % this.buckets] = (this.counts[idx % this.buckets] ?? 0) + n;
    this.total += n;
  }

  /** The count in the window ending at `t` (t at or after the latest event seen). */
  sum(t: number): number {
    this.advance(Math.floor(t / this.width));
    return this.total;
  }

  /** Latest bucket start touched, in ms: the entry is empty once `t` is a window past it. */
  get lastMs(): number {
    return this.head * this.width;
  }

  private advance(idx: number): void {
    if (idx <= this.head) return;
    if (idx - this.head >= this.buckets) {
      this.counts.fill(0);
      this.total = 0;
    } else {
      for (let k = this.head + 1; k <= idx; k++) {
        const slot = k % this.buckets;
        this.total -= this.counts[slot] ?? 0;
        this.counts[slot] = 0;
      }
    }
    this.head = idx;
  }
}
