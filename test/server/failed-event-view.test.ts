import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/event/validate-event.js';
import { failedEventOf } from '../../src/server/routes/queue-routes.js';
import { encodeEventPayload } from '../../src/store/login-event-json.js';

const T0 = Date.UTC(2026, 0, 5, 9, 30);
const failed = (payload: string) => ({
  eventId: 'ev-1',
  userId: 'alice@example.com',
  timestampMs: T0,
  error: 'Error: cannot score this',
  failedAt: T0 + 1000,
  payload,
});

describe('a failed event as GET /v1/queue/failed shows it', () => {
  it('gives the whole event back, key first, from JSON stored without its key or with it', () => {
    const r = validateEvent({
      eventId: 'ev-1',
      userId: 'alice@example.com',
      timestamp: T0,
      success: true,
      ip: '203.0.113.9',
    });
    if (!r.ok) throw new Error('test event is invalid');
    const whole = JSON.parse(JSON.stringify(r.event));
    expect(failedEventOf(failed(encodeEventPayload(r.event)))).toEqual({ event: whole });
    expect(failedEventOf(failed(JSON.stringify(r.event)))).toEqual({ event: whole });
    const { event } = failedEventOf(failed('{"success":true}'));
    expect(Object.keys(event as object).slice(0, 3)).toEqual(['eventId', 'userId', 'timestampMs']);
  });

  it('shows JSON that is not an object as it is, text that is not JSON raw, and nothing when not stored', () => {
    expect(failedEventOf(failed('[1]'))).toEqual({ event: [1] });
    expect(failedEventOf(failed('oops'))).toEqual({ event: null, payload: 'oops' });
    expect(failedEventOf(failed(''))).toEqual({ event: null });
  });
});
