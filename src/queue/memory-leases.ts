/**
 * The leases of a queue that has one consumer, kept in memory instead of written to every taken
 * row (see `SqliteQueue`'s `singleConsumer`): which events are out, until when, and how often each
 * was delivered by this process. An event is forgotten once acked or failed.
 */
export class MemoryLeases {
  private readonly byId = new Map<string, { until: number; deliveries: number; seq: number }>();

  /** Leases still running at `nowMs`: how many rows a take may have to skip. */
  running(nowMs: number): number {
    return this.runningAfter(0, nowMs);
  }

  /** Leases still running at `nowMs` of rows after queue position `seq`. */
  runningAfter(seq: number, nowMs: number): number {
    let n = 0;
    for (const lease of this.byId.values()) if (lease.until > nowMs && lease.seq > seq) n++;
    return n;
  }

  /** No lease was released or ran out: every event delivered and not forgotten is still out. */
  allRunning(nowMs: number): boolean {
    for (const lease of this.byId.values()) if (!(lease.until > nowMs)) return false;
    return true;
  }

  isLeased(eventId: string, nowMs: number): boolean {
    return (this.byId.get(eventId)?.until ?? 0) > nowMs;
  }

  /** Deliveries of this event by this process so far. */
  deliveries(eventId: string): number {
    return this.byId.get(eventId)?.deliveries ?? 0;
  }

  /** Leases the event (at queue position `seq`) until `untilMs`, counting one more delivery. */
  deliver(eventId: string, untilMs: number, seq: number): void {
    const lease = this.byId.get(eventId);
    if (lease) {
      lease.until = untilMs;
      lease.deliveries++;
    } else {
      this.byId.set(eventId, { until: untilMs, deliveries: 1, seq });
    }
  }

  /** Ends the leases at once; the deliveries stay counted. */
  release(eventIds: readonly string[]): void {
    for (const id of eventIds) {
      const lease = this.byId.get(id);
      if (lease) lease.until = 0;
    }
  }

  forget(eventIds: readonly string[]): void {
    for (const id of eventIds) this.byId.delete(id);
  }
}
