import type { EventLocation, LoginEvent } from '../event/login-event.js';

/** A LoginEvent as JSON text, for the queue and the events table. */
export function encodeLoginEvent(event: LoginEvent): string {
  return JSON.stringify(event);
}

/**
 * Reads what {@link encodeLoginEvent} wrote, back into the full shape `validateEvent` builds
 * (every field present, `undefined` when absent): JSON drops undefined fields, and the scoring
 * code is fastest when all events share one object shape.
 *
 * @throws Error when the text is not JSON or lacks a required field (a corrupt row).
 */
export function decodeLoginEvent(text: string): LoginEvent {
  const o = JSON.parse(text) as Partial<LoginEvent> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.eventId !== 'string' ||
    typeof o.userId !== 'string' ||
    typeof o.timestampMs !== 'number' ||
    typeof o.success !== 'boolean' ||
    typeof o.ip !== 'string'
  ) {
    throw new Error('not a stored login event (eventId, userId, timestampMs, success or ip missing)');
  }
  const loc = o.location;
  const location: EventLocation | undefined =
    loc === undefined || loc === null
      ? undefined
      : { country: loc.country, region: loc.region, city: loc.city, lat: loc.lat, lon: loc.lon };
  return {
    eventId: o.eventId,
    userId: o.userId,
    timestampMs: o.timestampMs,
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
