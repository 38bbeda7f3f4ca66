/**
 * What identifies a stored event or assessment: its id and its own time. The tables are keyed by
 * (time, id) so that inserts append (see the initial migration); a LoginEvent is an EventKey.
 */
export interface EventKey {
  eventId: string;
  /** The event's timestamp, epoch ms. */
  timestampMs: number;
}
