/**
 * One reason an event (or a line of an input file) was rejected. Errors are data, not
 * exceptions: a batch or a file keeps going and every bad event is reported with all of its
 * problems at once, one error per field.
 *
 * @example
 * { field: 'ip', rule: 'format', message: "ip: '999.1.1.1' is not an IPv4 or IPv6 address" }
 * { field: 'location.country', rule: 'required', message: 'location.country: required field is missing' }
 * { field: '(line)', rule: 'json', message: "(line): not valid JSON (Unexpected end of JSON input)" }
 */
export interface EventFieldError {
  /**
   * Where the problem is: a field path in the event contract (`userId`, `location.country`,
   * `timestamp`), `(event)` when the value is not an object at all, `(line)` for a line of a
   * file that could not be read as an event (broken JSON, too long, wrong number of CSV
   * columns), `(header)` for a CSV header that could not be read.
   */
  field: string;
  /** A short stable word, safe to match on; see {@link EventErrorRule}. */
  rule: EventErrorRule;
  /** A sentence for people, starting with the field and naming the rule that was broken. */
  message: string;
}

/**
 * The rules an event or a line can break. Stable: clients and dashboards may count by rule.
 *
 * - `required`: a required field is missing
 * - `type`: wrong JSON type (string instead of boolean, array instead of object, ...)
 * - `format`: right type, wrong shape (IP address, RFC 3339 timestamp, country code)
 * - `range`: a number or a time outside the accepted range
 * - `minLength` / `maxLength`: a string too short (empty) or too long
 * - `enum`: not one of the allowed values (`mfa`)
 * - `json`: the line is not valid JSON
 * - `too_long`: the line is longer than the reader's `maxLineBytes`
 * - `columns`: a CSV row whose number of cells differs from the header
 * - `csv`: a CSV row the CSV parser could not read (e.g. an unclosed quote)
 */
export type EventErrorRule =
  | 'required'
  | 'type'
  | 'format'
  | 'range'
  | 'minLength'
  | 'maxLength'
  | 'enum'
  | 'json'
  | 'too_long'
  | 'columns'
  | 'csv';

/** Builds an {@link EventFieldError}; the message is prefixed with the field. */
export function fieldError(field: string, rule: EventErrorRule, detail: string): EventFieldError {
  return { field, rule, message: `${field}: ${detail}` };
}

/**
 * Quotes a value for an error message, cut to a readable length: error messages end up in
 * logs and API responses, and an attacker-sized value must not make them huge.
 */
export function describeValue(value: unknown, max = 60): string {
  if (typeof value === 'string') {
    const cut = value.length > max ? `${value.slice(0, max)}…` : value;
    return `'${cut}'`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The JSON type name of a value, as used in "expected X, got Y" messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
