/**
 * Writers for login events in the two file formats `readEvents` reads (docs/event-format.md).
 * Records are in the input contract shape (DESIGN §2): `timestamp`, nested `location`, plus any
 * extra fields such as the generator's `label` and `attackId`. Whatever one of these writes,
 * `readEvents` reads back as the same `LoginEvent`.
 */

/**
 * The CSV column order: the contract fields, `location` flattened into five columns, then the
 * generator's labels. Fields of a record not listed here are not written to CSV.
 */
export const CSV_COLUMNS = [
  'eventId',
  'userId',
  'timestamp',
  'success',
  'ip',
  'userAgent',
  'deviceId',
  'deviceType',
  'country',
  'region',
  'city',
  'lat',
  'lon',
  'sessionDurationSec',
  'failedAttempts',
  'behavioralScore',
  'mfa',
  'email',
  'tenant',
  'label',
  'attackId',
] as const;

/** One of {@link CSV_COLUMNS}. */
export type CsvColumn = (typeof CSV_COLUMNS)[number];

const LOCATION_COLUMNS: ReadonlySet<string> = new Set(['country', 'region', 'city', 'lat', 'lon']);
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/**
 * One JSONL line, newline included.
 *
 * @example
 * out.write(toJsonLine({ userId: 'u1', timestamp: '2024-05-01T10:00:00Z', success: true, ip: '8.8.8.8' }));
 */
export function toJsonLine(record: Record<string, unknown>): string {
  return `${JSON.stringify(record)}\n`;
}

/** The CSV header line ({@link CSV_COLUMNS}), newline included. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

/**
 * One CSV row in {@link CSV_COLUMNS} order, newline included (RFC 4180 quoting: a cell with a
 * comma, quote or line break is quoted, quotes doubled). The location columns come from
 * `record.location` (or from flat `country`, `lat`, ... fields); `undefined` and `null` give an
 * empty cell, which the reader takes as absent.
 *
 * Hand-rolled rather than csv-stringify: it is a dozen lines, runs once per generated event, and
 * needs no stream or options object.
 *
 * @example
 * toCsvRow({ userId: 'u1', timestamp: '2024-05-01T10:00:00Z', success: true, ip: '8.8.8.8',
 *            userAgent: 'Mozilla/5.0 (X11, Linux)', location: { country: 'DE' } })
 * // ',u1,2024-05-01T10:00:00Z,true,8.8.8.8,"Mozilla/5.0 (X11, Linux)",,,DE,,,,,,,,,,,,\n'
 */
export function toCsvRow(record: Record<string, unknown>): string {
  const loc = record.location;
  const location = typeof loc === 'object' && loc !== null ? (loc as Record<string, unknown>) : undefined;
  let row = '';
  for (let i = 0; i < CSV_COLUMNS.length; i++) {
    const col = CSV_COLUMNS[i] as CsvColumn;
    let value = record[col];
    if (value === undefined && location !== undefined && LOCATION_COLUMNS.has(col)) value = location[col];
    if (i > 0) row += ',';
    row += csvCell(value);
  }
  return `${row}\n`;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}
