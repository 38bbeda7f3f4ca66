import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { EventFieldError } from '../../src/event/event-error.js';
import { DEFAULT_MIN_TIMESTAMP_MS, validateEvent } from '../../src/event/validate-event.js';

function rawEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId: 'alice@example.com',
    timestamp: '2024-05-01T10:00:00Z',
    success: true,
    ip: '203.0.113.7',
    ...over,
  };
}

function errorsOf(raw: unknown, options?: Parameters<typeof validateEvent>[1]): EventFieldError[] {
  const r = validateEvent(raw, options);
  if (r.ok) throw new Error(`expected errors, got event ${JSON.stringify(r.event)}`);
  return r.errors;
}

function eventOf(raw: unknown, options?: Parameters<typeof validateEvent>[1]) {
  const r = validateEvent(raw, options);
  if (!r.ok) throw new Error(`expected an event, got ${JSON.stringify(r.errors)}`);
  return r.event;
}

describe('validateEvent: valid events', () => {
  it('normalises a minimal event', () => {
    const event = eventOf(rawEvent());
    expect(event).toEqual({
      eventId: expect.stringMatching(/^ev_[0-9a-f]{32}$/),
      userId: 'alice@example.com',
      timestampMs: Date.UTC(2024, 4, 1, 10, 0, 0),
      success: true,
      ip: '203.0.113.7',
      attributes: {},
    });
  });

  it('keeps every optional field and upper-cases the country', () => {
    const event = eventOf(
      rawEvent({
        userAgent: 'Mozilla/5.0',
        deviceId: 'd-1',
        deviceType: 'desktop',
        location: { country: 'de', region: 'BE', city: 'Berlin', lat: 52.52, lon: 13.405 },
        sessionDurationSec: 120.5,
        failedAttempts: 2,
        behavioralScore: 0.8,
        mfa: 'passed',
        email: 'alice@example.com',
        tenant: 'acme',
      }),
    );
    expect(event.location).toEqual({ country: 'DE', region: 'BE', city: 'Berlin', lat: 52.52, lon: 13.405 });
    expect(event.userAgent).toBe('Mozilla/5.0');
    expect(event.deviceId).toBe('d-1');
    expect(event.deviceType).toBe('desktop');
    expect(event.sessionDurationSec).toBe(120.5);
    expect(event.failedAttempts).toBe(2);
    expect(event.behavioralScore).toBe(0.8);
    expect(event.mfa).toBe('passed');
    expect(event.email).toBe('alice@example.com');
    expect(event.tenant).toBe('acme');
    expect(event.attributes).toEqual({});
  });

  it('moves unknown fields to attributes, including unknown location keys', () => {
    const event = eventOf(
      rawEvent({
        label: 'credential_stuffing',
        attackId: 'atk-7',
        nested: { a: [1, 2] },
        location: { country: 'FR', accuracyKm: 5 },
      }),
    );
    expect(event.attributes).toEqual({
      label: 'credential_stuffing',
      attackId: 'atk-7',
      nested: { a: [1, 2] },
      'location.accuracyKm': 5,
    });
    expect(event.location).toEqual({ country: 'FR' });
  });

  it('stores a "__proto__" field as an attribute instead of changing the prototype', () => {
    const event = eventOf(
      JSON.parse(
        '{"userId":"u","timestamp":1714557600000,"success":false,"ip":"1.2.3.4","__proto__":{"polluted":1}}',
      ),
    );
    expect(Object.getPrototypeOf(event.attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(event.attributes, '__proto__')).toBe(true);
    expect((event.attributes as { polluted?: number }).polluted).toBeUndefined();
  });

  it('treats null in an optional field as absent', () => {
    const event = eventOf(
      rawEvent({ deviceId: null, userAgent: null, location: { country: 'us', city: null } }),
    );
    expect(event.deviceId).toBeUndefined();
    expect(event.userAgent).toBeUndefined();
    expect(event.location).toEqual({ country: 'US' });
    expect(event.attributes).toEqual({});
  });

  it('does not modify its input', () => {
    const raw = rawEvent({ location: { country: 'de' }, extra: 1 });
    const copy = structuredClone(raw);
    eventOf(raw);
    expect(raw).toEqual(copy);
  });
});

describe('validateEvent: timestamps', () => {
  it.each([
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T04:30:00-05:30', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01t10:00:00.123456+00:00', Date.UTC(2024, 4, 1, 10, 0, 0, 123)],
    ['2024-05-01 10:00:00.5Z', Date.UTC(2024, 4, 1, 10, 0, 0, 500)],
    ['2024-02-29T23:59:59Z', Date.UTC(2024, 1, 29, 23, 59, 59)],
    ['2024-01-01T00:30:00+01:00', Date.UTC(2023, 11, 31, 23, 30)],
  ])('reads RFC 3339 %s', (timestamp, expected) => {
    expect(eventOf(rawEvent({ timestamp })).timestampMs).toBe(expected);
  });

  it('reads epoch milliseconds as a number or a numeric string', () => {
    expect(eventOf(rawEvent({ timestamp: 1714557600000 })).timestampMs).toBe(1714557600000);
    expect(eventOf(rawEvent({ timestamp: '1714557600000' })).timestampMs).toBe(1714557600000);
    expect(eventOf(rawEvent({ timestamp: 1714557600000.9 })).timestampMs).toBe(1714557600000);
  });

  it('rejects a local time without offset, saying so', () => {
    expect(errorsOf(rawEvent({ timestamp: '2024-05-01T10:00:00' }))).toEqual([
      {
        field: 'timestamp',
        rule: 'format',
        message:
          "timestamp: '2024-05-01T10:00:00' has no timezone offset (add Z or an offset such as +02:00)",
      },
    ]);
  });

  it.each([
    '2024-05-01',
    'yesterday',
    '',
    '2024-13-01T00:00:00Z',
    '2023-02-29T10:00:00Z',
    '2024-04-31T10:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T10:60:00Z',
    '2024-05-01T10:00:61Z',
    '2024-05-01T10:00:00+24:00',
    '2024-05-01T10:00:00+0200',
    '2024-05-01T10:00:00.Z',
    '2024-05-01T10:00:00Zx',
    '2024-05-01T10:00:00+02:00 ',
    '2024-05-01X10:00:00Z',
    '2024/05/01T10:00:00Z',
    '+2024-05-01T10:00:00Z',
    '2024-5-01T10:00:00Z',
    '\uFF12\uFF10\uFF12\uFF14-05-01T10:00:00Z',
  ])('rejects %j as a format error', (timestamp) => {
    const [e] = errorsOf(rawEvent({ timestamp }));
    expect(e?.field).toBe('timestamp');
    expect(e?.rule).toBe('format');
  });

  it('rejects 1970 (default minimum is 2000-01-01)', () => {
    expect(errorsOf(rawEvent({ timestamp: '1970-01-01T00:00:00Z' }))).toEqual([
      {
        field: 'timestamp',
        rule: 'range',
        message:
          'timestamp: 1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00.000Z, the earliest accepted time',
      },
    ]);
    expect(DEFAULT_MIN_TIMESTAMP_MS).toBe(Date.parse('2000-01-01T00:00:00Z'));
  });

  it('hints at epoch seconds', () => {
    const [e] = errorsOf(rawEvent({ timestamp: 1714557600 }));
    expect(e?.rule).toBe('range');
    expect(e?.message).toContain('epoch seconds? send milliseconds');
  });

  it('rejects year 2999 only when maxTimestampMs is set', () => {
    const maxTimestampMs = Date.UTC(2024, 4, 2);
    expect(errorsOf(rawEvent({ timestamp: '2999-01-01T00:00:00Z' }), { maxTimestampMs })).toEqual([
      {
        field: 'timestamp',
        rule: 'range',
        message:
          'timestamp: 2999-01-01T00:00:00.000Z is after 2024-05-02T00:00:00.000Z, the latest accepted time (clock skew or wrong unit?)',
      },
    ]);
    expect(eventOf(rawEvent({ timestamp: '2999-01-01T00:00:00Z' })).timestampMs).toBe(Date.UTC(2999, 0, 1));
  });

  it('honours a custom minimum, including years below 100', () => {
    const event = eventOf(rawEvent({ timestamp: '0050-06-01T00:00:00Z' }), { minTimestampMs: -1e15 });
    expect(new Date(event.timestampMs).toISOString()).toBe('0050-06-01T00:00:00.000Z');
  });

  it('does not throw on epoch values outside the Date range', () => {
    const [e] = errorsOf(rawEvent({ timestamp: 1e300 }), { maxTimestampMs: Date.UTC(2030, 0, 1) });
    expect(e?.rule).toBe('range');
    expect(e?.message).toContain('1e+300 ms is after');
  });
});

describe('validateEvent: IP addresses', () => {
  it.each([
    ['::ffff:8.8.8.8', '8.8.8.8'],
    ['::FFFF:C0A8:0101', '192.168.1.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
  ])('canonicalises %s to %s', (ip, expected) => {
    expect(eventOf(rawEvent({ ip })).ip).toBe(expected);
  });

  it('names the field and the rule for 999.1.1.1', () => {
    expect(errorsOf(rawEvent({ ip: '999.1.1.1' }))).toEqual([
      { field: 'ip', rule: 'format', message: "ip: '999.1.1.1' is not an IPv4 or IPv6 address" },
    ]);
  });

  it.each(['not-an-ip', '127.1', '0x7f.0.0.1', '010.0.0.1', '1.2.3.4.5', '2001:db8::g', '::1::2'])(
    'rejects %s',
    (ip) => {
      expect(errorsOf(rawEvent({ ip }))).toEqual([
        { field: 'ip', rule: 'format', message: `ip: '${ip}' is not an IPv4 or IPv6 address` },
      ]);
    },
  );

  it('accepts exactly the IPv4 forms ipaddr.js calls four-part decimal', () => {
    const candidates = [
      '1.2.3.4',
      '0.0.0.0',
      '255.255.255.255',
      '256.1.1.1',
      '1.2.3.256',
      '01.2.3.4',
      '1.2.3.04',
      '1.2.3.0',
      '10.0.0.10',
      '1.2.3',
      '1.2.3.4.',
      '.1.2.3',
      '1..2.3',
      '1.2.3.4.5',
      '1.2.3.-4',
      '1.2.3.+4',
      '1.2.3.4a',
      '0x1.2.3.4',
      '127.1',
      '4294967295',
      '1.2.3. 4',
      '\u0661.2.3.4',
      '99999999999.1.1.1',
      '1.2.3.999',
    ];
    for (const ip of candidates) {
      expect([ip, validateEvent(rawEvent({ ip })).ok]).toEqual([ip, ipaddr.IPv4.isValidFourPartDecimal(ip)]);
    }
  });

  it('gives the same IPv6 result as ipaddr.process', () => {
    for (const ip of [
      '::1',
      '::',
      '2001:DB8::0:1',
      '::ffff:10.0.0.1',
      '::10.0.0.1',
      '64:ff9b::1.2.3.4',
      'fe80::1:2:3:4',
    ]) {
      expect(eventOf(rawEvent({ ip })).ip).toBe(ipaddr.process(ip).toString());
    }
  });

  it('rejects a zone id', () => {
    expect(errorsOf(rawEvent({ ip: 'fe80::1%eth0' }))).toEqual([
      {
        field: 'ip',
        rule: 'format',
        message: "ip: 'fe80::1%eth0' has a zone id; send the address without %zone",
      },
    ]);
  });
});

describe('validateEvent: schema errors', () => {
  it.each(['userId', 'timestamp', 'success', 'ip'])('names a missing %s', (field) => {
    const raw = rawEvent();
    delete raw[field];
    expect(errorsOf(raw)).toEqual([
      { field, rule: 'required', message: `${field}: required field is missing` },
    ]);
  });

  it('reports every missing required field at once, one error each', () => {
    expect(errorsOf({})).toEqual([
      { field: 'userId', rule: 'required', message: 'userId: required field is missing' },
      { field: 'timestamp', rule: 'required', message: 'timestamp: required field is missing' },
      { field: 'success', rule: 'required', message: 'success: required field is missing' },
      { field: 'ip', rule: 'required', message: 'ip: required field is missing' },
    ]);
  });

  it('names wrong types', () => {
    const errors = errorsOf(
      rawEvent({
        userId: 42,
        success: 'yes',
        timestamp: true,
        failedAttempts: 1.5,
        location: 'Berlin',
        mfa: 'ok',
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'userId', rule: 'type', message: 'userId: expected a string, got number 42' },
        {
          field: 'success',
          rule: 'type',
          message: "success: expected a boolean (true or false), got string 'yes'",
        },
        {
          field: 'timestamp',
          rule: 'type',
          message: 'timestamp: expected RFC 3339 string or epoch milliseconds, got boolean true',
        },
        {
          field: 'failedAttempts',
          rule: 'type',
          message: 'failedAttempts: expected an integer, got number 1.5',
        },
        { field: 'location', rule: 'type', message: "location: expected an object, got string 'Berlin'" },
        { field: 'mfa', rule: 'enum', message: "mfa: expected one of 'passed', 'failed', got string 'ok'" },
      ]),
    );
    expect(errors).toHaveLength(6);
  });

  it('names lengths, ranges and formats', () => {
    const errors = errorsOf(
      rawEvent({
        userId: '',
        userAgent: 'x'.repeat(3000),
        behavioralScore: 1.5,
        sessionDurationSec: -1,
        location: { country: 'USA' },
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'userId', rule: 'minLength', message: 'userId: must not be empty' },
        {
          field: 'userAgent',
          rule: 'maxLength',
          message: 'userAgent: is 3000 characters long, the limit is 2048',
        },
        { field: 'behavioralScore', rule: 'range', message: 'behavioralScore: 1.5 is above the maximum 1' },
        {
          field: 'sessionDurationSec',
          rule: 'range',
          message: 'sessionDurationSec: -1 is below the minimum 0',
        },
        {
          field: 'location.country',
          rule: 'format',
          message: "location.country: 'USA' is not a valid ISO 3166-1 alpha-2 country code",
        },
      ]),
    );
    expect(errors).toHaveLength(5);
  });

  it('names a missing nested field with its path', () => {
    expect(errorsOf(rawEvent({ location: { city: 'Paris' } }))).toEqual([
      { field: 'location.country', rule: 'required', message: 'location.country: required field is missing' },
    ]);
  });

  it('also reports IP and timestamp problems when the schema failed elsewhere', () => {
    expect(
      errorsOf(rawEvent({ userId: undefined, ip: 'not-an-ip', timestamp: '1999-12-31T23:59:59Z' })),
    ).toEqual([
      { field: 'userId', rule: 'required', message: 'userId: required field is missing' },
      {
        field: 'timestamp',
        rule: 'range',
        message:
          'timestamp: 1999-12-31T23:59:59.000Z is before 2000-01-01T00:00:00.000Z, the earliest accepted time',
      },
      { field: 'ip', rule: 'format', message: "ip: 'not-an-ip' is not an IPv4 or IPv6 address" },
    ]);
  });

  it.each([
    [[], 'an array'],
    [null, 'null'],
    ['{"userId":"u"}', `'{"userId":"u"}'`],
    [7, '7'],
  ])('rejects a non-object (%j)', (raw, got) => {
    const [e, ...rest] = errorsOf(raw);
    expect(rest).toEqual([]);
    expect(e?.field).toBe('(event)');
    expect(e?.rule).toBe('type');
    expect(e?.message).toContain(`expected a JSON object, got`);
    expect(e?.message).toContain(got);
  });

  it('keeps error messages short for huge values', () => {
    const [e] = errorsOf(rawEvent({ ip: `${'9'.repeat(10_000)}` }));
    expect(e?.field).toBe('ip');
    expect(e?.message.length).toBeLessThan(150);
  });
});

describe('validateEvent: eventId', () => {
  it('keeps an explicit eventId', () => {
    expect(eventOf(rawEvent({ eventId: 'idp-123' })).eventId).toBe('idp-123');
  });

  it('derives the same id for the same event, whatever its spelling', () => {
    const a = eventOf(rawEvent({ location: { country: 'de' }, userAgent: 'UA' }));
    const b = eventOf({
      userAgent: 'UA',
      ip: '::ffff:203.0.113.7',
      location: { country: 'DE' },
      success: true,
      timestamp: '2024-05-01T12:00:00+02:00',
      userId: 'alice@example.com',
      receivedAt: 'relay-added attribute',
    });
    expect(a.eventId).toMatch(/^ev_[0-9a-f]{32}$/);
    expect(b.eventId).toBe(a.eventId);
    expect(eventOf(rawEvent({ location: { country: 'de' }, userAgent: 'UA' })).eventId).toBe(a.eventId);
  });

  it('derives different ids for different events', () => {
    const ids = new Set(
      [
        rawEvent(),
        rawEvent({ success: false }),
        rawEvent({ timestamp: '2024-05-01T10:00:00.001Z' }),
        rawEvent({ ip: '203.0.113.8' }),
        rawEvent({ userId: 'bob' }),
        rawEvent({ failedAttempts: 1 }),
        rawEvent({ deviceId: 'd' }),
      ].map((r) => eventOf(r).eventId),
    );
    expect(ids.size).toBe(7);
  });
});
