/**
 * The leases of a queue that has one consumer, kept in memory instead of written to every taken
 * row (see `SqliteQueue`'s `singleConsumer`): which events are out, until when, and how often each
 * was delivered by this process, by queue position (`seq`). An event is forgotten once acked or
 * failed.
 */
export class MemoryLeases {
  private readonly bySeq = new Map<number, { until: number; deliveries: number }>();

  /** Leases still running at `nowMs`: how many rows a take may have to skip. */
  running(nowMs: number): number {
    return this.runningAfter(0, nowMs);
  }

  /** Leases still running at `nowMs` of rows after queue position `seq`. */
  runningAfter(seq: number, nowMs: number): number {
    let n = 0;
    for (const [at, lease] of this.bySeq) if (lease.until > nowMs && at > seq) n++;
    return n;
  }

  /** No lease was released or ran out: every event delivered and not forgotten is still out. */
  allRunning(nowMs: number): boolean {
    for (const lease of this.bySeq.values()) if (!(lease.until > nowMs)) return false;
    return true;
  }

  isLeased(seq: number, nowMs: number): boolean {
    return (this.bySeq.get(seq)?.until ?? 0) > nowMs;
  }

  /** Deliveries of the event at this position by this process so far. */
  deliveries(seq: number): number {
    return this.bySeq.get(seq)?.deliveries ?? 0;
  }

  /** Leases the event at queue position `seq` until `untilMs`, counting one more delivery. */
  deliver(seq: number, untilMs: number): void {
    const lease = this.bySeq.get(seq);
    if (lease) {
      lease.until = untilMs;
      lease.deliveries++;
    } else {
      this.bySeq.set(seq, { until: untilMs, deliveries: 1 });
    }
  }

  /** Ends the leases at once; the deliveries stay counted. */
  release(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const lease = this.bySeq.get(seq);
      if (lease) lease.until = 0;
    }
  }

  forget(seqs: readonly number[]): void {
    for (const seq of seqs) this.bySeq.delete(seq);
  }
}
