import type { EventLocation, LoginEvent } from '../event/login-event.js';

/** The columns of an event's row that its JSON leaves out ({@link encodeEventPayload}). */
export interface EventRowKey {
  event_id: string;
  user_id: string;
  /** bigint: a number from SQLite, a string from PostgreSQL. */
  ts: number | string;
}

/**
 * A LoginEvent as JSON text for its row in `events` (the `payload` column), without what the
 * row's own columns hold: its id, user and time (~115 of ~590 bytes with UUID ids; the table is the
 * largest of the file, and every byte is written twice, to the WAL and to the database).
 */
export function encodeEventPayload(event: LoginEvent): string {
  const { eventId, userId, timestampMs, ...rest } = event;
  return JSON.stringify(rest);
}

/**
 * Reads an event back from its row: the key from the columns, the rest from the JSON, into the
 * full shape `validateEvent` builds (every field present, `undefined` when absent): JSON drops
 * undefined fields, and the scoring code is fastest when all events share one object shape. Rows
 * written before the JSON was slimmed (session 26) hold the key in the JSON too, with the same
 * values.
 *
 * @throws Error when the text is not JSON or lacks a required field (a corrupt row).
 */
export function decodeEventRow(key: EventRowKey, payload: string): LoginEvent {
  const o = JSON.parse(payload) as Partial<LoginEvent> | null;
  if (o === null || typeof o !== 'object' || typeof o.success !== 'boolean' || typeof o.ip !== 'string') {
    throw new Error('not a stored login event (success or ip missing)');
  }
  const loc = o.location;
  const location: EventLocation | undefined =
    loc === undefined || loc === null
      ? undefined
      : { country: loc.country, region: loc.region, city: loc.city, lat: loc.lat, lon: loc.lon };
  return {
    eventId: key.event_id,
    userId: key.user_id,
    timestampMs: Number(key.ts),
    success: o.success,
    ip: o.ip,
    userAgent: o.userAgent,
    deviceId: o.deviceId,
    deviceType: o.deviceType,
    location,
    sessionDurationSec: o.sessionDurationSec,
    failedAttempts: o.failedAttempts,
    behavioralScore: o.behavioralScore,
    mfa: o.mfa,
    email: o.email,
    tenant: o.tenant,
    attributes: o.attributes ?? {},
  };
}
