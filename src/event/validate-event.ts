import * as crypto from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import ipaddr from 'ipaddr.js';
import { describeValue, type EventFieldError, fieldError, jsonTypeOf } from './event-error.js';
import {
  type EventLocation,
  KNOWN_EVENT_FIELDS,
  type LoginEvent,
  type LoginEventInput,
  LoginEventSchema,
} from './login-event.js';

/**
 * Bounds on the event's own timestamp.
 *
 * Validation never reads the clock, and neither does scoring: time comes from the event so that
 * replaying a month of logs gives the same answers as live traffic. A live entry point (the API,
 * the worker) that wants to refuse events from the future passes `maxTimestampMs: Date.now() +
 * 24 h` itself; `replay` leaves it unset.
 *
 * @example
 * validateEvent(body, { maxTimestampMs: Date.now() + 24 * 3600_000 })
 */
export interface ValidateOptions {
  /** Earliest accepted timestamp, epoch ms. Default {@link DEFAULT_MIN_TIMESTAMP_MS} (2000-01-01T00:00:00Z). */
  minTimestampMs?: number;
  /** Latest accepted timestamp, epoch ms. Default: no upper bound. */
  maxTimestampMs?: number;
}

/** 2000-01-01T00:00:00Z: anything earlier is a unit mistake (epoch seconds) or a zeroed clock. */
export const DEFAULT_MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);

/** The outcome of {@link validateEvent}: the normalised event, or every problem found. */
export type ValidateResult = { ok: true; event: LoginEvent } | { ok: false; errors: EventFieldError[] };

// Compiled once at module load: the compiled checker is a generated function, an order of
// magnitude faster than Value.Check, and this runs on every event.
const checker = TypeCompiler.Compile(LoginEventSchema);

const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(
  Object.keys(LoginEventSchema.properties).filter(
    (k) => !(LoginEventSchema.required as string[]).includes(k),
  ),
);
const LOCATION_FIELDS: ReadonlySet<string> = new Set(['country', 'region', 'city', 'lat', 'lon']);

/**
 * Validates one raw login event (a parsed JSON object, or a CSV row already coerced by the
 * reader) against the contract (DESIGN §2) and normalises it:
 *
 * - `timestamp` (RFC 3339 with `Z` or an offset, epoch ms, or a numeric string) → `timestampMs`,
 *   checked against {@link ValidateOptions};
 * - `ip` checked and canonicalised (IPv4-mapped IPv6 → IPv4, IPv6 in RFC 5952 form; zone ids
 *   and legacy IPv4 forms such as `127.1` rejected);
 * - `location.country` upper-cased;
 * - `null` in an optional field is treated as absent (many producers write `null` for "unknown");
 * - unknown fields moved to `attributes` (unknown `location` keys as `location.<key>`);
 * - `eventId` derived from the content when absent (see {@link deriveEventId}).
 *
 * Never throws for bad input: every problem comes back as an {@link EventFieldError}, at most
 * one per field. Pure: no clock, no I/O.
 *
 * @example
 * const r = validateEvent({ userId: 'u1', timestamp: '2024-05-01T10:00:00+02:00', success: true, ip: '::ffff:8.8.8.8' });
 * // r.ok === true; r.event.ip === '8.8.8.8'; r.event.timestampMs === 1714550400000
 */
export function validateEvent(raw: unknown, options?: ValidateOptions): ValidateResult {
  let input = raw;
  if (!checker.Check(input)) {
    input = withoutNulls(input);
    if (input === raw || !checker.Check(input)) return { ok: false, errors: collectErrors(input, options) };
  }
  const ev = input as LoginEventInput;
  const timestampMs = parseTimestamp(ev.timestamp, options);
  const ip = canonicalIp(ev.ip);
  if (typeof timestampMs !== 'number' || typeof ip !== 'string') {
    const errors: EventFieldError[] = [];
    if (typeof timestampMs !== 'number') errors.push(timestampMs);
    if (typeof ip !== 'string') errors.push(ip);
    return { ok: false, errors };
  }
  return { ok: true, event: normalise(ev, timestampMs, ip) };
}

function normalise(ev: LoginEventInput, timestampMs: number, ip: string): LoginEvent {
  const attributes: Record<string, unknown> = {};
  // Every field is always present (undefined when absent): all events share one object shape, so
  // the scoring code that reads them stays monomorphic and fast.
  const event: LoginEvent = {
    eventId: ev.eventId ?? '',
    userId: ev.userId,
    timestampMs,
    success: ev.success,
    ip,
    userAgent: ev.userAgent,
    deviceId: ev.deviceId,
    deviceType: ev.deviceType,
    location: ev.location === undefined ? undefined : normaliseLocation(ev.location, attributes),
    sessionDurationSec: ev.sessionDurationSec,
    failedAttempts: ev.failedAttempts,
    behavioralScore: ev.behavioralScore,
    mfa: ev.mfa,
    email: ev.email,
    tenant: ev.tenant,
    attributes,
  };
  const rec = ev as Record<string, unknown>;
  for (const key in rec) {
    if (!KNOWN_EVENT_FIELDS.has(key)) setAttribute(attributes, key, rec[key]);
  }
  if (event.eventId === '') event.eventId = deriveEventId(event);
  return event;
}

function normaliseLocation(loc: EventLocation, attributes: Record<string, unknown>): EventLocation {
  const out: EventLocation = {
    country: loc.country.toUpperCase(),
    region: loc.region,
    city: loc.city,
    lat: loc.lat,
    lon: loc.lon,
  };
  const rec = loc as Record<string, unknown>;
  for (const key in rec) {
    if (!LOCATION_FIELDS.has(key)) setAttribute(attributes, `location.${key}`, rec[key]);
  }
  return out;
}

// A JSON body may carry an own "__proto__" key; plain assignment would set the prototype of
// `attributes` instead of storing the value.
function setAttribute(attributes: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[key] = value;
  }
}

/**
 * The id of an event that came without one: `ev_` + the first 128 bits of the SHA-256 of its
 * normalised contract fields (hex, 32 characters).
 *
 * Deterministic on purpose. A client that sends no id and retries gets the same id twice, so the
 * store can drop the duplicate (idempotency without asking every IdP for an id); and replaying the
 * same file twice gives the same ids, so assessments, alerts and audit entries stay comparable
 * between runs. Normalised values are hashed (timestamp in ms, canonical IP, upper-case country),
 * so `…T10:00:00Z` and `…T12:00:00+02:00` are the same event. `attributes` are left out: they are
 * free-form metadata a relay may add on a retry (ingest time, hop id), not part of the login.
 *
 * Caveat: two genuinely distinct attempts with identical fields in the same timestamp unit (e.g.
 * one-second timestamps, a bot hammering one account from one IP) get the same id; producers that
 * can emit those should send their own `eventId`.
 */
export function deriveEventId(event: Omit<LoginEvent, 'eventId' | 'attributes'>): string {
  const loc = event.location;
  // Length-prefixed strings make the encoding injective (no separator can be forged from inside
  // a value) without JSON.stringify, which costs more than the hash itself; join() hands the
  // hash one flat string. The version tag keeps ids from a future canonical form from colliding
  // with these.
  const canonical = [
    'v1',
    str(event.userId),
    event.timestampMs,
    event.success ? 1 : 0,
    str(event.ip),
    str(event.userAgent),
    str(event.deviceId),
    str(event.deviceType),
    str(loc?.country),
    str(loc?.region),
    str(loc?.city),
    num(loc?.lat),
    num(loc?.lon),
    num(event.sessionDurationSec),
    num(event.failedAttempts),
    num(event.behavioralScore),
    str(event.mfa),
    str(event.email),
    str(event.tenant),
  ].join('|');
  return `ev_${sha256Hex(canonical).slice(0, 32)}`;
}

function str(value: string | undefined): string {
  return value === undefined ? '-' : `${value.length}:${value}`;
}

function num(value: number | undefined): string {
  return value === undefined ? '-' : String(value);
}

// crypto.hash (one-shot, no Hash object) is about twice as fast as createHash, but only exists
// from Node 20.12; package.json allows 20.10.
const sha256Hex: (data: string) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

// ---------------------------------------------------------------------------------------------
// timestamp

// RFC 3339 date-time: YYYY-MM-DD(T|t|space)HH:MM:SS[.fraction](Z|z|±HH:MM). The offset is
// mandatory: a local time without one is ambiguous by up to 26 hours, enough to fake or hide
// impossible travel. A space instead of `T` is allowed by RFC 3339 §5.6 (NOTE). Parsed by hand
// below (fixed positions) rather than with a regex and nine Number() calls: a quarter of the
// cost, and this runs on every event.
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// 400 Gregorian years are exactly 146,097 days: used to get Date.UTC past its 0..99 → 1900s rule.
const MS_PER_400_YEARS = 146_097 * 86_400_000;
// The range of a JavaScript Date; outside it toISOString() throws.
const MAX_DATE_MS = 8.64e15;

function parseTimestamp(value: string | number, options?: ValidateOptions): number | EventFieldError {
  let ms: number;
  if (typeof value === 'number') {
    ms = Math.floor(value);
  } else if (NUMERIC.test(value)) {
    ms = Math.floor(Number(value));
  } else {
    const parsed = parseRfc3339(value);
    if (typeof parsed !== 'number') return parsed;
    ms = parsed;
  }
  const min = options?.minTimestampMs ?? DEFAULT_MIN_TIMESTAMP_MS;
  if (ms < min) {
    // Epoch seconds are the usual culprit: 1.7e9 is January 1970 in milliseconds.
    const hint = ms >= 1e9 && ms < 1e10 ? ' (epoch seconds? send milliseconds)' : '';
    return fieldError(
      'timestamp',
      'range',
      `${formatTime(ms)} is before ${formatTime(min)}, the earliest accepted time${hint}`,
    );
  }
  const max = options?.maxTimestampMs;
  if (max !== undefined && ms > max) {
    return fieldError(
      'timestamp',
      'range',
      `${formatTime(ms)} is after ${formatTime(max)}, the latest accepted time (clock skew or wrong unit?)`,
    );
  }
  return ms;
}

function parseRfc3339(text: string): number | EventFieldError {
  const n = text.length;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  // Second 60 is a leap second (RFC 3339 allows it); Date.UTC rolls it into the next minute.
  const second = digits(text, 17, 2);
  const sep = text.charCodeAt(10);
  if (
    n < 20 ||
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a
  ) {
    return timestampFormatError(text);
  }
  let i = 19;
  let frac = 0;
  if (text.charCodeAt(i) === 0x2e) {
    const start = ++i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) break;
      if (i - start < 3) frac = frac * 10 + c;
    }
    if (i === start) return timestampFormatError(text);
    for (let k = i - start; k < 3; k++) frac *= 10;
  }
  let offsetMin = 0;
  const z = text.charCodeAt(i);
  if (z === 0x5a || z === 0x7a) {
    if (i + 1 !== n) return timestampFormatError(text);
  } else if ((z === 0x2b || z === 0x2d) && i + 6 === n && text.charCodeAt(i + 3) === 0x3a) {
    const offH = digits(text, i + 1, 2);
    const offM = digits(text, i + 4, 2);
    if (offH < 0 || offM < 0) return timestampFormatError(text);
    if (offH > 23 || offM > 59) {
      return fieldError('timestamp', 'format', `${describeValue(text)} has an invalid timezone offset`);
    }
    offsetMin = (z === 0x2d ? -1 : 1) * (offH * 60 + offM);
  } else {
    return timestampFormatError(text);
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const dim = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > dim || hour > 23 || minute > 59 || second > 60) {
    return fieldError('timestamp', 'format', `${describeValue(text)} is not a valid calendar date and time`);
  }
  const ms =
    year < 100
      ? Date.UTC(year + 400, month - 1, day, hour, minute, second, frac) - MS_PER_400_YEARS
      : Date.UTC(year, month - 1, day, hour, minute, second, frac);
  return ms - offsetMin * 60_000;
}

// The decimal number in text[at, at + count), or -1 unless all of those are ASCII digits.
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (!(c >= 0 && c <= 9)) return -1;
    value = value * 10 + c;
  }
  return value;
}

function timestampFormatError(text: string): EventFieldError {
  const why = LOCAL_DATE_TIME.test(text)
    ? 'has no timezone offset (add Z or an offset such as +02:00)'
    : 'is not an RFC 3339 date-time (e.g. 2024-05-01T10:00:00Z) or epoch milliseconds';
  return fieldError('timestamp', 'format', `${describeValue(text)} ${why}`);
}

function formatTime(ms: number): string {
  return Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : `${ms} ms`;
}

// ---------------------------------------------------------------------------------------------
// ip

function canonicalIp(value: string): string | EventFieldError {
  const text = value.trim();
  if (text.includes(':')) {
    if (text.includes('%')) {
      // A zone id (fe80::1%eth0) only means something on the host that wrote it.
      return fieldError(
        'ip',
        'format',
        `${describeValue(value)} has a zone id; send the address without %zone`,
      );
    }
    // One parse (IPv6.isValid, ipaddr.process and toString would parse it three times; IPv6
    // parsing is the slowest step of validation). Same result as ipaddr.process(text).toString().
    let addr: ipaddr.IPv6;
    try {
      addr = ipaddr.IPv6.parse(text);
    } catch {
      return fieldError('ip', 'format', `${describeValue(value)} is not an IPv4 or IPv6 address`);
    }
    return addr.isIPv4MappedAddress() ? addr.toIPv4Address().toString() : addr.toRFC5952String();
  } else if (isDottedQuad(text)) {
    return text;
  }
  return fieldError('ip', 'format', `${describeValue(value)} is not an IPv4 or IPv6 address`);
}

/**
 * IPv4 in four-part decimal without leading zeros, each part 0..255: the same language as
 * ipaddr.js `IPv4.isValidFourPartDecimal` (a test checks they agree), and already the canonical
 * form. Hand-rolled because ipaddr.js parses, builds an object and runs a regex (~0.4 µs, an
 * exception on bad input); this is a loop over at most 15 characters. Plain ipaddr.js parsing
 * would also accept `127.1`, `0x7f.0.0.1` or `010.0.0.1` (octal), which no IdP sends and which
 * would give one address several spellings.
 */
function isDottedQuad(text: string): boolean {
  let dots = 0;
  let value = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (count === 0 || ++dots > 3) return false;
      value = 0;
      count = 0;
      continue;
    }
    const d = c - 0x30;
    if (d < 0 || d > 9 || (count > 0 && value === 0)) return false;
    value = value * 10 + d;
    count++;
    if (value > 255) return false;
  }
  return dots === 3 && count > 0;
}

// ---------------------------------------------------------------------------------------------
// errors (slow path: only for events that failed the compiled check)

function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const rec = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of OPTIONAL_FIELDS) {
    if (rec[key] === null && Object.hasOwn(rec, key)) {
      copy ??= { ...rec };
      delete copy[key];
    }
  }
  const loc = rec.location;
  if (typeof loc === 'object' && loc !== null && !Array.isArray(loc)) {
    const locRec = loc as Record<string, unknown>;
    let locCopy: Record<string, unknown> | undefined;
    for (const key of LOCATION_FIELDS) {
      if (key !== 'country' && locRec[key] === null && Object.hasOwn(locRec, key)) {
        locCopy ??= { ...locRec };
        delete locCopy[key];
      }
    }
    if (locCopy !== undefined) {
      copy ??= { ...rec };
      copy.location = locCopy;
    }
  }
  return copy ?? value;
}

function collectErrors(value: unknown, options?: ValidateOptions): EventFieldError[] {
  const byField = new Map<string, EventFieldError>();
  for (const e of checker.Errors(value)) {
    const field = fieldPath(e.path);
    // TypeBox reports "required" before "expected string" for a missing field: keep the first,
    // so each field gets the one error that says what to fix.
    if (!byField.has(field)) byField.set(field, toFieldError(field, e));
  }
  // The fields that passed the schema still get their deeper checks, so a client sees every
  // problem of an event in one answer instead of one per retry.
  if (typeof value === 'object' && value !== null && !byField.has('(event)')) {
    const rec = value as Record<string, unknown>;
    const ts = rec.timestamp;
    if (!byField.has('timestamp') && (typeof ts === 'string' || typeof ts === 'number')) {
      const r = parseTimestamp(ts, options);
      if (typeof r !== 'number') byField.set('timestamp', r);
    }
    const ip = rec.ip;
    if (!byField.has('ip') && typeof ip === 'string') {
      const r = canonicalIp(ip);
      if (typeof r !== 'string') byField.set('ip', r);
    }
  }
  return [...byField.values()];
}

// JSON pointer (`/location/country`) → dotted path (`location.country`).
function fieldPath(pointer: string): string {
  if (pointer === '') return '(event)';
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function toFieldError(field: string, e: ValueError): EventFieldError {
  const schema: TSchema = e.schema;
  const v = e.value;
  const got = describeGot(v);
  // A key present with the value `undefined` (JS callers, not JSON) is as missing as an absent one.
  if (v === undefined && field !== '(event)')
    return fieldError(field, 'required', 'required field is missing');
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return fieldError(field, 'required', 'required field is missing');
    case ValueErrorType.String:
      return fieldError(field, 'type', `expected a string, got ${got}`);
    case ValueErrorType.Number:
      return fieldError(field, 'type', `expected a number, got ${got}`);
    case ValueErrorType.Integer:
      return fieldError(field, 'type', `expected an integer, got ${got}`);
    case ValueErrorType.Boolean:
      return fieldError(field, 'type', `expected a boolean (true or false), got ${got}`);
    case ValueErrorType.Object:
      return fieldError(
        field,
        'type',
        `expected ${field === '(event)' ? 'a JSON object' : 'an object'}, got ${got}`,
      );
    case ValueErrorType.StringMaxLength:
      return fieldError(
        field,
        'maxLength',
        `is ${typeof v === 'string' ? v.length : '?'} characters long, the limit is ${schema.maxLength}`,
      );
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1
        ? fieldError(field, 'minLength', 'must not be empty')
        : fieldError(field, 'minLength', `is shorter than ${schema.minLength} characters`);
    case ValueErrorType.StringPattern:
      return fieldError(
        field,
        'format',
        `${describeValue(v)} is not a valid ${schema.description ?? `value (pattern ${schema.pattern})`}`,
      );
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return fieldError(field, 'range', `${describeValue(v)} is below the minimum ${schema.minimum}`);
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return fieldError(field, 'range', `${describeValue(v)} is above the maximum ${schema.maximum}`);
    case ValueErrorType.Union: {
      const options = Array.isArray(schema.anyOf) ? (schema.anyOf as TSchema[]) : [];
      if (options.length > 0 && options.every((o) => o.const !== undefined)) {
        const allowed = options.map((o) => describeValue(o.const)).join(', ');
        return fieldError(field, 'enum', `expected one of ${allowed}, got ${got}`);
      }
      return fieldError(field, 'type', `expected ${schema.description ?? 'another type'}, got ${got}`);
    }
    default:
      return fieldError(field, 'type', `${e.message}, got ${got}`);
  }
}

function describeGot(value: unknown): string {
  const type = jsonTypeOf(value);
  if (type === 'string' || type === 'number' || type === 'boolean') return `${type} ${describeValue(value)}`;
  return describeValue(value);
}
