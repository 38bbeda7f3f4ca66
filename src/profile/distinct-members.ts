/**
 * Distinct members (e.g. user ids) seen within a sliding time window. Members are kept in a Map
 * ordered by last sight (delete + set moves one to the end), so expiry pops from the front:
 * amortised O(1). At most `cap` are kept; past that the oldest are forgotten, so the count
 * saturates at `cap` rather than growing memory.
 */
export class DistinctMembers {
  private readonly members = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly cap = 1024,
  ) {}

  add(member: string, t: number): void {
    const previous = this.members.get(member);
    if (previous !== undefined) {
      if (t < previous) return;
      this.members.delete(member);
    } else if (this.members.size >= this.cap) {
      const oldest = this.members.keys().next().value;
      if (oldest !== undefined) this.members.delete(oldest);
    }
    this.members.set(member, t);
  }

  /** Members seen within the window ending at `t`. */
  count(t: number): number {
    const cutoff = t - this.windowMs;
    for (const [member, last] of this.members) {
      if (last > cutoff) break;
      this.members.delete(member);
    }
    return this.members.size;
  }
}
