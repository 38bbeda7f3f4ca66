import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/event/validate-event.js';
import { decodeEventRow, encodeEventPayload } from '../../src/store/login-event-json.js';

const T0 = Date.UTC(2026, 0, 5, 9, 30);

/** An event as the API builds it (every field present, undefined where absent). */
function event() {
  const r = validateEvent({
    eventId: '6f1c2a9e-3c1b-4f7a-9d55-0b8f1e2d4c11',
    userId: 'alice@example.com',
    timestamp: T0,
    success: false,
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120',
    location: { country: 'FR', city: 'Lyon' },
    attributes: { app: 'crm' },
  });
  if (!r.ok) throw new Error('test event is invalid');
  return r.event;
}

describe('the JSON of an event in its row', () => {
  it('leaves out the id, user and time (the row has them as columns) and reads the same event back', () => {
    const e = event();
    const payload = encodeEventPayload(e);
    expect(payload).not.toContain(e.eventId);
    expect(payload).not.toContain('alice@example.com');
    expect(payload).not.toContain(String(T0));
    const key = { event_id: e.eventId, user_id: e.userId, ts: T0 };
    expect(decodeEventRow(key, payload)).toStrictEqual(e);
    // PostgreSQL gives a bigint column as a string.
    expect(decodeEventRow({ ...key, ts: String(T0) }, payload)).toStrictEqual(e);
  });

  it('reads a row written before (the whole event in its JSON) the same way', () => {
    const e = event();
    const key = { event_id: e.eventId, user_id: e.userId, ts: T0 };
    expect(decodeEventRow(key, JSON.stringify(e))).toStrictEqual(e);
  });

  it('refuses a payload that is not a login event', () => {
    const key = { event_id: 'x', user_id: 'u', ts: T0 };
    expect(() => decodeEventRow(key, '{"ip":"203.0.113.9"}')).toThrow(/success or ip missing/);
    expect(() => decodeEventRow(key, 'null')).toThrow(/success or ip missing/);
    expect(() => decodeEventRow(key, '{not json')).toThrow(SyntaxError);
  });
});
