/**
 * Distinct members (e.g. user ids) seen per key (e.g. an IP) within a sliding window.
 * Each key keeps its members in a Map ordered by last sight (delete + set moves one to the end),
 * so expiry pops from the front: amortised O(1). At most `cap` members are kept per key; past
 * that the oldest are forgotten, so a count saturates at `cap` rather than growing memory.
 */
export class DistinctWindow {
  private readonly sets = new Map<string, Map<string, number>>();

  constructor(
    readonly windowMs: number,
    private readonly cap = 1024,
  ) {}

  add(key: string, member: string, t: number): void {
    let members = this.sets.get(key);
    if (!members) {
      members = new Map();
      this.sets.set(key, members);
    }
    const previous = members.get(member);
    if (previous !== undefined) {
      members.delete(member);
      members.set(member, Math.max(previous, t));
    } else {
      members.set(member, t);
      if (members.size > this.cap) {
        const oldest = members.keys().next().value;
        if (oldest !== undefined) members.delete(oldest);
      }
    }
  }

  /** Members of `key` seen within the window ending at `t`. */
  count(key: string, t: number): number {
    const members = this.sets.get(key);
    if (!members) return 0;
    this.expire(members, t);
    return members.size;
  }

  has(key: string, member: string, t: number): boolean {
    const last = this.sets.get(key)?.get(member);
    return last !== undefined && last > t - this.windowMs;
  }

  prune(t: number): void {
    for (const [key, members] of this.sets) {
      this.expire(members, t);
      if (members.size === 0) this.sets.delete(key);
    }
  }

  get size(): number {
    return this.sets.size;
  }

  private expire(members: Map<string, number>, t: number): void {
    const cutoff = t - this.windowMs;
    for (const [member, last] of members) {
      if (last > cutoff) break;
      members.delete(member);
    }
  }
}
