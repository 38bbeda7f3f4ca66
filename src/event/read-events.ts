import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type Options as CsvOptions, parse as parseCsv } from 'csv-parse';
import { type EventFieldError, fieldError, jsonTypeOf } from './event-error.js';
import type { LoginEvent } from './login-event.js';
import { type ValidateOptions, validateEvent } from './validate-event.js';

/** A file format `readEvents` understands (docs/event-format.md). */
export type EventFileFormat = 'jsonl' | 'csv';

/** Options of {@link readEvents}. */
export interface ReadEventsOptions {
  /** `auto` (default): from the file name, else from the first non-blank character. */
  format?: EventFileFormat | 'auto';
  /**
   * Longest accepted line (JSONL) or record (CSV), in bytes, line break excluded. A longer one
   * is reported as one `too_long` error and skipped without being held in memory. Default 64 KiB.
   */
  maxLineBytes?: number;
  /** Passed to `validateEvent` for every event. */
  validate?: ValidateOptions;
}

/** A line that gave a valid event. `line` is the 1-based physical line where it starts. */
export interface ReadEvent {
  line: number;
  event: LoginEvent;
  errors?: undefined;
  excerpt?: undefined;
}

/** A line that did not: every problem found, and the start of the line to show people. */
export interface ReadError {
  line: number;
  errors: EventFieldError[];
  /** The first {@link EXCERPT_CHARS} characters of the line or record. */
  excerpt: string;
  event?: undefined;
}

/** One result per non-blank line (JSONL) or data record (CSV), in file order. Narrow on `errors`. */
export type ReadResult = ReadEvent | ReadError;

/** Default {@link ReadEventsOptions.maxLineBytes}: 64 KiB, far above any real login event. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Length of {@link ReadError.excerpt}. */
export const EXCERPT_CHARS = 120;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Reads login events from a JSONL or CSV file, plain or gzip-compressed, as a stream: memory
 * stays bounded whatever the size of the file or of one of its lines.
 *
 * - `input`: a path, `-` for stdin, or any readable stream (bytes or strings).
 * - Gzip is recognised by its magic bytes (1f 8b), whatever the file is called.
 * - Every event is validated with `validateEvent`; a bad line is reported (line number, every
 *   field error, an excerpt) and reading goes on with the next one.
 * - Line numbers are 1-based physical lines, as an editor shows them; a CSV record spanning
 *   several lines (quoted line breaks) is reported at its first line.
 *
 * I/O failures (missing file, corrupt gzip) are thrown by the iteration, not reported as lines.
 *
 * @example
 * for await (const r of readEvents('logins.csv.gz')) {
 *   if (r.errors) console.error(`line ${r.line}: ${r.errors.map((e) => e.message).join('; ')}`);
 *   else await assess(r.event);
 * }
 */
export async function* readEvents(
  input: NodeJS.ReadableStream | string,
  options?: ReadEventsOptions,
): AsyncGenerator<ReadResult, void, undefined> {
  for await (const batch of readEventBatches(input, options)) yield* batch;
}

/**
 * {@link readEvents} a chunk of lines at a time: the same results in the same order, in arrays.
 * For bulk consumers (`replay`): one await per chunk instead of one per line.
 */
export async function* readEventBatches(
  input: NodeJS.ReadableStream | string,
  options?: ReadEventsOptions,
): AsyncGenerator<ReadResult[], void, undefined> {
  const maxLineBytes = options?.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
    throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
  }
  const name = typeof input === 'string' && input !== '-' ? input : undefined;
  const stream: NodeJS.ReadableStream =
    typeof input !== 'string' ? input : input === '-' ? process.stdin : createReadStream(input);

  let source: AsyncIterable<Buffer> = asBuffers(stream);
  const magic = await peek(source, (head) => head.length >= 2);
  source = magic.rest;
  if (magic.head[0] === GZIP_MAGIC_0 && magic.head[1] === GZIP_MAGIC_1) {
    source = gunzip(source);
  }

  let format = options?.format ?? 'auto';
  if (format === 'auto') {
    const byName = name === undefined ? undefined : formatFromName(name);
    if (byName !== undefined) {
      format = byName;
    } else {
      const content = await peek(
        source,
        (head) => firstSignificantByte(head) !== -1 || head.length > maxLineBytes,
      );
      source = content.rest;
      format = detectFormat(undefined, content.head);
    }
  }

  if (format === 'csv') {
    for await (const result of readCsv(source, maxLineBytes, options?.validate)) yield [result];
  } else {
    yield* readJsonl(source, maxLineBytes, options?.validate);
  }
}

/**
 * The format of an event file: from its name when it says (`.jsonl`, `.ndjson`, `.json`, `.csv`,
 * each optionally followed by `.gz`), else from the first non-blank character of its
 * (decompressed) content: `{` or `[` is JSON, anything else CSV. Defaults to JSONL when neither
 * tells (empty input).
 *
 * @example
 * detectFormat('logins.csv.gz') // 'csv'
 * detectFormat(undefined, '\n{"userId":"u1"}') // 'jsonl'
 */
export function detectFormat(name?: string, head?: Uint8Array | string): EventFileFormat {
  const byName = name === undefined ? undefined : formatFromName(name);
  if (byName !== undefined) return byName;
  if (head === undefined) return 'jsonl';
  const bytes = typeof head === 'string' ? Buffer.from(head) : head;
  const i = firstSignificantByte(bytes);
  if (i === -1) return 'jsonl';
  const c = bytes[i];
  return c === 0x7b || c === 0x5b ? 'jsonl' : 'csv';
}

function formatFromName(name: string): EventFileFormat | undefined {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  return undefined;
}

// Index of the first byte that is neither whitespace nor part of a UTF-8 byte order mark.
function firstSignificantByte(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== LF && c !== CR) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// byte sources

async function* asBuffers(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

interface Peeked {
  head: Buffer;
  rest: AsyncIterable<Buffer>;
}

// Reads chunks until `enough(head)` (or the end), then hands back what was read and a source
// that replays it before the rest: lets the reader sniff gzip magic and content without
// consuming the stream.
async function peek(source: AsyncIterable<Buffer>, enough: (head: Buffer) => boolean): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (!enough(head)) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      while (!done) {
        const r = await it.next();
        if (r.done === true) return;
        yield r.value;
      }
    } finally {
      if (!done) await it.return?.();
    }
  }
  return { head, rest: rest() };
}

function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const inflate = createGunzip();
  // Errors (truncated or corrupt gzip, failing source) destroy `inflate`, so they reach whoever
  // iterates it; the callback only has to exist.
  pipeline(Readable.from(source, { objectMode: false }), inflate, () => {});
  return inflate;
}

// ---------------------------------------------------------------------------------------------
// JSONL

type SplitLine = { line: number; text: string } | { line: number; tooLong: number; excerpt: string };

/**
 * Splits a byte stream into lines, byte by byte, instead of using `readline`: readline (and any
 * split-on-string approach) buffers a whole line before handing it over, so a single 1 GB line
 * would take 1 GB of memory. Here a line is held only up to `maxLineBytes`; past that its bytes
 * are counted and dropped until the next line break, and the line comes out as one `tooLong`
 * entry. Works on bytes so a multi-byte UTF-8 character split across chunks is decoded whole.
 * Yields one batch per chunk: one await per chunk, not one per line.
 */
async function* splitLines(source: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<SplitLine[]> {
  let line = 1;
  let parts: Buffer[] = [];
  let partLen = 0;
  let skipping = false;
  let skippedBytes = 0;
  let excerpt = '';
  for await (const buf of source) {
    const out: SplitLine[] = [];
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(LF, start);
      const end = nl === -1 ? buf.length : nl;
      if (skipping) {
        skippedBytes += end - start;
      } else if (partLen + (end - start) > maxLineBytes) {
        skipping = true;
        skippedBytes = partLen + (end - start);
        excerpt = excerptOf(
          Buffer.concat([...parts, buf.subarray(start, Math.min(end, start + EXCERPT_CHARS * 4))]),
        );
        parts = [];
        partLen = 0;
      } else if (nl !== -1 && partLen === 0) {
        out.push({ line, text: lineText(buf, start, end) });
      } else {
        parts.push(buf.subarray(start, end));
        partLen += end - start;
      }
      if (nl === -1) break;
      if (skipping) {
        out.push({ line, tooLong: skippedBytes, excerpt });
        skipping = false;
      } else if (parts.length > 0) {
        const whole = Buffer.concat(parts);
        out.push({ line, text: lineText(whole, 0, whole.length) });
        parts = [];
        partLen = 0;
      }
      line++;
      start = nl + 1;
    }
    if (out.length > 0) yield out;
  }
  if (skipping) {
    yield [{ line, tooLong: skippedBytes, excerpt }];
  } else if (partLen > 0) {
    const whole = Buffer.concat(parts);
    yield [{ line, text: lineText(whole, 0, whole.length) }];
  }
}

// The line without its CR (CRLF files) and without a byte order mark (first line of files
// written by some Windows tools).
function lineText(buf: Buffer, start: number, end: number): string {
  const e = end > start && buf[end - 1] === CR ? end - 1 : end;
  const text = buf.toString('utf8', start, e);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function excerptOf(bytes: Buffer | string): string {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const trimmed = text.replace(/^[\r\n\uFEFF]+|[\r\n]+$/g, '');
  return trimmed.length > EXCERPT_CHARS ? `${trimmed.slice(0, EXCERPT_CHARS)}…` : trimmed;
}

async function* readJsonl(
  source: AsyncIterable<Buffer>,
  maxLineBytes: number,
  validate: ValidateOptions | undefined,
): AsyncGenerator<ReadResult[]> {
  for await (const batch of splitLines(source, maxLineBytes)) {
    const results: ReadResult[] = [];
    for (const l of batch) {
      if ('tooLong' in l) {
        results.push(tooLongResult(l.line, l.tooLong, maxLineBytes, l.excerpt));
        continue;
      }
      const r = jsonLine(l.line, l.text, validate);
      if (r !== undefined) results.push(r);
    }
    if (results.length > 0) yield results;
  }
}

function jsonLine(line: number, text: string, validate: ValidateOptions | undefined): ReadResult | undefined {
  if (text.length === 0 || (text.charCodeAt(0) !== 0x7b && text.trim().length === 0)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.slice(0, 200) : String(err);
    const hint = text.trimStart().startsWith('[')
      ? '; a JSON array is not accepted, write one object per line'
      : '';
    return {
      line,
      errors: [fieldError('(line)', 'json', `not valid JSON (${why})${hint}`)],
      excerpt: excerptOf(text),
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const detail = Array.isArray(value)
      ? 'expected one JSON object per line (JSONL), got an array'
      : `expected a JSON object, got ${jsonTypeOf(value)}`;
    return { line, errors: [fieldError('(line)', 'type', detail)], excerpt: excerptOf(text) };
  }
  const r = validateEvent(value, validate);
  return r.ok ? { line, event: r.event } : { line, errors: r.errors, excerpt: excerptOf(text) };
}

function tooLongResult(
  line: number,
  bytes: number,
  max: number,
  excerpt: string,
  field = '(line)',
): ReadError {
  return {
    line,
    errors: [fieldError(field, 'too_long', `is ${bytes} bytes long, the limit is ${max} bytes; skipped`)],
    excerpt,
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

interface TooLongRecord {
  line: number;
  bytes: number;
  excerpt: string;
  isHeader: boolean;
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

/**
 * The CSV counterpart of {@link splitLines}, in front of csv-parse: csv-parse holds a whole
 * record in memory and, past `max_record_size`, keeps buffering and reports the error once per
 * byte, so it cannot protect us from a huge record. This passes records through unchanged,
 * holding at most `maxLineBytes` of the current one; a longer record is dropped and replaced by
 * as many blank lines as it spanned (which csv-parse skips but counts), so csv-parse's line
 * numbers stay right. A record ends at a line break outside quotes, following RFC 4180 quoting
 * the way csv-parse does with `relax_quotes` (a quote opens a quoted field only at its start).
 */
async function* guardCsvRecords(
  source: AsyncIterable<Buffer>,
  maxLineBytes: number,
  onTooLong: (r: TooLongRecord) => void,
): AsyncGenerator<Buffer> {
  let state = FIELD_START;
  let line = 1;
  let recordLine = 1;
  let blank = true;
  let seenRecord = false;
  let held: Buffer[] = [];
  let heldLen = 0;
  let skipping = false;
  let skippedBytes = 0;
  let excerpt = '';
  let terminator = '\n';
  let lastByte = -1;
  for await (const buf of source) {
    const out: Buffer[] = [];
    let runStart = 0;
    let recStart = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (c === LF) {
        line++;
        if (state === QUOTED) continue;
        // End of record (or of a blank line).
        const end = i + 1;
        if (skipping) {
          skippedBytes += i - recStart;
          onTooLong({ line: recordLine, bytes: skippedBytes, excerpt, isHeader: !seenRecord });
          seenRecord = true;
          out.push(Buffer.from(terminator.repeat(line - recordLine)));
          skipping = false;
          runStart = end;
        } else {
          if (!blank && !seenRecord) {
            // csv-parse takes its record delimiter from the first record; blank lines put in
            // place of a dropped record must use the same one, or they would not be blank to it.
            seenRecord = true;
            terminator = (i > 0 ? buf[i - 1] : lastByte) === CR ? '\r\n' : '\n';
          }
          if (heldLen > 0) {
            out.push(...held);
            held = [];
            heldLen = 0;
          }
        }
        state = FIELD_START;
        blank = true;
        recStart = end;
        recordLine = line;
        continue;
      }
      if (c !== CR) blank = false;
      if (c === QUOTE) {
        if (state === FIELD_START) state = QUOTED;
        else if (state === QUOTED) state = QUOTE_IN_QUOTED;
        else if (state === QUOTE_IN_QUOTED) state = QUOTED;
      } else if (c === COMMA) {
        if (state !== QUOTED) state = FIELD_START;
      } else if (state === FIELD_START || (state === QUOTE_IN_QUOTED && c !== CR)) {
        state = UNQUOTED;
      }
      if (!skipping && heldLen + (i + 1 - recStart) > maxLineBytes) {
        if (recStart > runStart) out.push(buf.subarray(runStart, recStart));
        excerpt = excerptOf(
          Buffer.concat([...held, buf.subarray(recStart, Math.min(i + 1, recStart + 512))]),
        );
        skipping = true;
        skippedBytes = heldLen;
        held = [];
        heldLen = 0;
      }
    }
    if (skipping) {
      skippedBytes += buf.length - recStart;
    } else {
      if (recStart > runStart) out.push(buf.subarray(runStart, recStart));
      if (recStart < buf.length) {
        held.push(buf.subarray(recStart));
        heldLen += buf.length - recStart;
      }
    }
    lastByte = buf.length > 0 ? (buf[buf.length - 1] ?? -1) : lastByte;
    for (const b of out) yield b;
  }
  if (skipping) {
    onTooLong({ line: recordLine, bytes: skippedBytes, excerpt, isHeader: !seenRecord });
  } else {
    for (const b of held) yield b;
  }
}

interface CsvItem {
  line: number;
  cells: string[];
}

/** What a CSV column feeds; decided once per file from the header. */
type ColumnKind =
  | { to: 'field'; name: string }
  | { to: 'location'; name: string; numeric: boolean }
  | { to: 'success' }
  | { to: 'timestamp' }
  | { to: 'number'; name: string };

const LOCATION_KEYS: ReadonlySet<string> = new Set(['country', 'region', 'city', 'lat', 'lon']);
const NUMBER_COLUMNS: ReadonlySet<string> = new Set([
  'sessionDurationSec',
  'failedAttempts',
  'behavioralScore',
]);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE_WORDS: ReadonlySet<string> = new Set(['true', '1', 'yes']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', '0', 'no']);

/** Location columns may be `country` or `location.country` (and so on); other names are fields. */
function columnKind(header: string): ColumnKind {
  const name = header.trim();
  const locName = name.startsWith('location.') ? name.slice('location.'.length) : name;
  if (LOCATION_KEYS.has(locName))
    return { to: 'location', name: locName, numeric: locName === 'lat' || locName === 'lon' };
  if (name === 'success') return { to: 'success' };
  if (name === 'timestamp') return { to: 'timestamp' };
  if (NUMBER_COLUMNS.has(name)) return { to: 'number', name };
  return { to: 'field', name };
}

async function* readCsv(
  source: AsyncIterable<Buffer>,
  maxLineBytes: number,
  validate: ValidateOptions | undefined,
): AsyncGenerator<ReadResult> {
  // Problems found outside the parser's record stream (too-long records, rows csv-parse gave
  // up on) are queued and merged back by line number, so results stay in file order. Both
  // queues fill before csv-parse emits any later record: the guard runs ahead of the parser,
  // and on_skip is called synchronously while parsing.
  const tooLong: ReadError[] = [];
  const skipped: ReadError[] = [];
  let headerError: ReadError | undefined;

  // csv-parse gives the line where a record ends (`lines`) and a running count of the blank
  // lines it skipped; a record starts on the line after the previous one ended, plus the blank
  // lines in between. This avoids csv-parse's `raw` option (several µs per record, measured).
  // It must run in parse order (on_record, on_skip), not when we consume a record:
  // the parser runs ahead of the consumer.
  let prevEnd = 0;
  let prevEmpty = 0;
  const startOf = (endLine: number, emptyLines: number): number => {
    const start = prevEnd + 1 + (emptyLines - prevEmpty);
    prevEnd = endLine;
    prevEmpty = emptyLines;
    return start;
  };

  const guarded = Readable.from(
    guardCsvRecords(source, maxLineBytes, (r) => {
      // Without its header no row can be read: report it and stop (see the loop below).
      if (r.isHeader) headerError = tooLongResult(r.line, r.bytes, maxLineBytes, r.excerpt, '(header)');
      else tooLong.push(tooLongResult(r.line, r.bytes, maxLineBytes, r.excerpt));
    }),
    { objectMode: false },
  );
  // Rows come as arrays and are mapped to fields here (one precomputed kind per column), which
  // is cheaper than csv-parse's `columns` objects and lets a row with the wrong number of cells
  // be caught by its length.
  const csvOptions: CsvOptions<CsvItem, string[]> = {
    on_record: (cells, ctx) => ({ line: startOf(ctx.lines, ctx.empty_lines), cells }),
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      const ctx = (err ?? {}) as { lines?: number; empty_lines?: number; message?: string };
      const why = (ctx.message ?? 'unreadable row').slice(0, 200);
      skipped.push({
        line: startOf(ctx.lines ?? prevEnd + 1, ctx.empty_lines ?? prevEmpty),
        errors: [fieldError('(line)', 'csv', `not a valid CSV row (${why})`)],
        excerpt: '',
      });
      return undefined;
    },
  };
  // csv-parse's stream overloads are typed for plain string[] records; on_record changes that.
  const parser = parseCsv(csvOptions as unknown as CsvOptions);
  pipeline(guarded, parser, () => {});

  function* drainBefore(line: number): Generator<ReadError> {
    for (;;) {
      const a = tooLong[0];
      const b = skipped[0];
      const next = a !== undefined && (b === undefined || a.line <= b.line) ? a : b;
      if (next === undefined || next.line >= line) return;
      if (next === a) tooLong.shift();
      else skipped.shift();
      yield next;
    }
  }

  let columns: ColumnKind[] | undefined;
  try {
    for await (const item of parser as AsyncIterable<CsvItem>) {
      if (headerError !== undefined) break;
      const { line, cells } = item;
      yield* drainBefore(line);
      if (columns === undefined) {
        columns = cells.map(columnKind);
        continue;
      }
      if (cells.length !== columns.length) {
        // relax_column_count keeps csv-parse going after such a row, but its cells would land
        // in the wrong columns: reject it rather than validate shifted values.
        yield {
          line,
          errors: [
            fieldError(
              '(line)',
              'columns',
              `row has ${cells.length} cells, the header has ${columns.length} columns`,
            ),
          ],
          excerpt: csvExcerpt(cells),
        };
        continue;
      }
      const r = validateEvent(csvRowToRaw(columns, cells), validate);
      yield r.ok ? { line, event: r.event } : { line, errors: r.errors, excerpt: csvExcerpt(cells) };
    }
    if (headerError !== undefined) {
      yield headerError;
      return;
    }
    yield* drainBefore(Number.POSITIVE_INFINITY);
  } finally {
    parser.destroy();
  }
}

/**
 * A CSV row as the raw event `validateEvent` expects: location columns nested, `success` and
 * numeric columns coerced, empty cells absent. A cell that does not coerce is left as a string
 * so that validation names the field and the value.
 */
function csvRowToRaw(columns: ColumnKind[], cells: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let location: Record<string, unknown> | undefined;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    const kind = columns[i];
    if (cell === undefined || cell === '' || kind === undefined) continue;
    switch (kind.to) {
      case 'field':
        out[kind.name] = cell;
        break;
      case 'location':
        location ??= {};
        location[kind.name] = kind.numeric ? toNumber(cell) : cell;
        break;
      case 'success':
        out.success = toBoolean(cell);
        break;
      case 'timestamp':
        out.timestamp = toNumber(cell);
        break;
      case 'number':
        out[kind.name] = toNumber(cell);
        break;
    }
  }
  if (location !== undefined) out.location = location;
  return out;
}

function toNumber(cell: string): number | string {
  return DECIMAL.test(cell) ? Number(cell) : cell;
}

function toBoolean(cell: string): boolean | string {
  const lower = cell.trim().toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  return cell;
}

// The row as CSV again (quoted where needed), for error excerpts.
function csvExcerpt(cells: string[]): string {
  return excerptOf(cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','));
}
