/**
 * The event's time (epoch ms) from its stored JSON, or undefined when it cannot be read: for the
 * migrations that key old rows by time, in JavaScript because the two databases read JSON
 * differently.
 */
export function eventTimeOfJson(payload: string): number | undefined {
  try {
    const ts = (JSON.parse(payload) as { timestampMs?: unknown } | null)?.timestampMs;
    return typeof ts === 'number' && Number.isFinite(ts) ? ts : undefined;
  } catch {
    return undefined;
  }
}
