import type { DatasetRecord } from './dataset-record.js';
import { DAY_MS } from './local-time.js';
import type { EventSink, SimEvent } from './sim-event.js';

/** A failure streak is forgotten after this long without a new failure (what IdP lockout windows do). */
const STREAK_MEMORY_MS = DAY_MS;

/**
 * Puts simulated events in global time order without holding the whole dataset: events go into
 * one bucket per UTC day, and a bucket is sorted and released once the simulation has moved far
 * enough that nothing can land in it any more (the caller says when, with {@link release}).
 *
 * Released in time order, each record gets what depends on that order:
 * - `eventId`: `ev-<seed>-<n>`, n counting from 0 in output order;
 * - `failedAttempts`: the account's failures since its last success, as the IdP saw them just
 *   before this attempt (a streak is forgotten after 24 h without failures).
 *
 * Events outside [startMs, endMs) are dropped: the dataset covers exactly the requested days.
 */
export class EventSorter implements EventSink {
  private readonly buckets = new Map<number, SimEvent[]>();
  /** Buckets up to this day index have been released; emitting into them is a bug. */
  private releasedThrough = -1;
  private next = 0;
  private readonly streaks = new Map<string, { count: number; lastFailT: number }>();
  private isoDayStart = Number.NaN;
  private isoPrefix = '';

  constructor(
    private readonly startMs: number,
    private readonly endMs: number,
    private readonly seed: number,
  ) {}

  emit(event: SimEvent): void {
    if (event.t < this.startMs || event.t >= this.endMs) return;
    const day = Math.floor((event.t - this.startMs) / DAY_MS);
    if (day <= this.releasedThrough) {
      throw new Error(
        `internal: event at ${new Date(event.t).toISOString()} emitted after day ${day} was written (${event.label})`,
      );
    }
    let bucket = this.buckets.get(day);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(day, bucket);
    }
    bucket.push(event);
  }

  /**
   * Sorts and releases every bucket up to and including `day` (UTC day index from the start), as
   * one array in time order (an array rather than a generator: one less layer per record).
   */
  release(day: number): DatasetRecord[] {
    const out: DatasetRecord[] = [];
    for (let d = this.releasedThrough + 1; d <= day; d++) {
      this.releasedThrough = d;
      const bucket = this.buckets.get(d);
      if (bucket === undefined) continue;
      this.buckets.delete(d);
      // Array.prototype.sort is stable: equal times keep their (deterministic) emission order.
      bucket.sort((a, b) => a.t - b.t);
      for (const event of bucket) out.push(this.toRecord(event));
    }
    return out;
  }

  /** Events waiting in buckets not yet released. */
  get pending(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.length;
    return n;
  }

  private toRecord(event: SimEvent): DatasetRecord {
    let streak = this.streaks.get(event.userId);
    if (streak === undefined) {
      streak = { count: 0, lastFailT: 0 };
      this.streaks.set(event.userId, streak);
    }
    const t = event.t;
    if (streak.count > 0 && t - streak.lastFailT > STREAK_MEMORY_MS) streak.count = 0;
    event.failedAttempts = streak.count;
    if (event.success) {
      streak.count = 0;
    } else {
      streak.count++;
      streak.lastFailT = t;
    }
    event.eventId = `ev-${this.seed}-${this.next++}`;
    event.timestamp = this.iso(t);
    return event;
  }

  /**
   * `Date#toISOString` for an epoch-ms time, without a Date per record: the date part is formatted
   * once per day, the time from arithmetic (same text, a fraction of the cost at a million records).
   */
  private iso(t: number): string {
    const msOfDay = t - this.isoDayStart;
    if (!(msOfDay >= 0 && msOfDay < DAY_MS)) {
      this.isoDayStart = t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
      this.isoPrefix = new Date(this.isoDayStart).toISOString().slice(0, 11);
      return this.iso(t);
    }
    const h = Math.floor(msOfDay / 3_600_000);
    const m = Math.floor(msOfDay / 60_000) % 60;
    const sec = Math.floor(msOfDay / 1000) % 60;
    const milli = msOfDay % 1000;
    return `${this.isoPrefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[sec]}.${THREE_DIGITS[milli]}Z`;
  }
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
