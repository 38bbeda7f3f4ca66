import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectFormat,
  type ReadEventsOptions,
  type ReadResult,
  readEvents,
} from '../../src/event/read-events.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loginguard-read-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTemp(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function collect(
  input: NodeJS.ReadableStream | string,
  options?: ReadEventsOptions,
): Promise<ReadResult[]> {
  const out: ReadResult[] = [];
  for await (const r of readEvents(input, options)) out.push(r);
  return out;
}

/** `[line, field, rule]` for each error, `[line, userId]` for each event: easy to compare. */
function summary(results: ReadResult[]): (string | number)[][] {
  return results.map((r) =>
    r.errors ? [r.line, ...r.errors.flatMap((e) => [e.field, e.rule])] : [r.line, r.event.userId],
  );
}

function json(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    userId: 'alice',
    timestamp: '2024-05-01T10:00:00Z',
    success: true,
    ip: '203.0.113.7',
    ...over,
  });
}

const ONE_MB_LINE = json({ userId: 'huge', padding: 'x'.repeat(1024 * 1024) });

const MIXED_JSONL = [
  json({ userId: 'u1' }), // 1
  '{"userId": "u2", "timestamp": ', // 2 broken JSON
  '', // 3 blank
  json({ userId: undefined }), // 4 missing userId
  json({ userId: 'u5', ip: '999.1.1.1' }), // 5 bad IP
  json({ userId: 'u6', timestamp: '1970-01-01T00:00:00Z' }), // 6 years away
  ONE_MB_LINE, // 7 too long
  '   ', // 8 blank
  json({ userId: 'u9', ip: '::ffff:8.8.8.8', location: { country: 'de' }, label: 'benign' }), // 9
  '[1, 2]', // 10 array
  '42', // 11 not an object
  json({ userId: 'u12' }), // 12, no trailing newline
].join('\n');

describe('readEvents: JSONL', () => {
  it('reports every bad line with its line number, field and rule, and returns every good line', async () => {
    const path = await writeTemp('mixed.jsonl', MIXED_JSONL);
    const results = await collect(path);
    expect(summary(results)).toEqual([
      [1, 'u1'],
      [2, '(line)', 'json'],
      [4, 'userId', 'required'],
      [5, 'ip', 'format'],
      [6, 'timestamp', 'range'],
      [7, '(line)', 'too_long'],
      [9, 'u9'],
      [10, '(line)', 'type'],
      [11, '(line)', 'type'],
      [12, 'u12'],
    ]);
  });

  it('returns normalised events and readable errors with excerpts', async () => {
    const results = await collect(await writeTemp('mixed2.jsonl', MIXED_JSONL));
    const byLine = new Map(results.map((r) => [r.line, r]));
    const good = byLine.get(9);
    expect(good?.event).toMatchObject({
      userId: 'u9',
      ip: '8.8.8.8',
      location: { country: 'DE' },
      timestampMs: Date.UTC(2024, 4, 1, 10),
      attributes: { label: 'benign' },
    });
    const bad = byLine.get(5);
    expect(bad?.errors).toEqual([
      { field: 'ip', rule: 'format', message: "ip: '999.1.1.1' is not an IPv4 or IPv6 address" },
    ]);
    expect(bad?.excerpt).toBe(json({ userId: 'u5', ip: '999.1.1.1' }).slice(0, 120));
    expect(byLine.get(2)?.errors?.[0]?.message).toMatch(/^\(line\): not valid JSON \(/);
    expect(byLine.get(10)?.errors?.[0]?.message).toBe(
      '(line): expected one JSON object per line (JSONL), got an array',
    );
    expect(byLine.get(11)?.errors?.[0]?.message).toBe('(line): expected a JSON object, got number');
    const tooLong = byLine.get(7);
    expect(tooLong?.errors?.[0]?.message).toBe(
      `(line): is ${Buffer.byteLength(ONE_MB_LINE)} bytes long, the limit is 65536 bytes; skipped`,
    );
    expect(tooLong?.excerpt).toBe(`${ONE_MB_LINE.slice(0, 120)}…`);
  });

  it('honours maxLineBytes and validate options', async () => {
    const lines = [
      json({ userId: 'short' }),
      json({ userId: 'x'.repeat(200) }),
      json({ timestamp: '2999-01-01T00:00:00Z' }),
    ];
    const results = await collect(Readable.from(lines.join('\n')), {
      maxLineBytes: 150,
      validate: { maxTimestampMs: Date.UTC(2025, 0, 1) },
    });
    expect(summary(results)).toEqual([
      [1, 'short'],
      [2, '(line)', 'too_long'],
      [3, 'timestamp', 'range'],
    ]);
  });

  it('skips a line of tens of MB arriving in chunks and reads the next one normally', async () => {
    // 40 MB in 1 MB chunks, then a good line; the same chunk object is reused so the test
    // itself stays small.
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${json({ userId: 'before' })}\n{"pad":"`);
      for (let i = 0; i < 40; i++) yield chunk;
      yield Buffer.from(`"}\n${json({ userId: 'after' })}\n`);
    }
    const results = await collect(Readable.from(source()));
    expect(summary(results)).toEqual([
      [1, 'before'],
      [2, '(line)', 'too_long'],
      [3, 'after'],
    ]);
    expect(results[1]?.errors?.[0]?.message).toContain(`is ${40 * 1024 * 1024 + 10} bytes long`);
  });

  it('handles CRLF line ends, a byte order mark and UTF-8 split across chunks', async () => {
    const text = `\uFEFF${json({ userId: 'zoë' })}\r\n\r\n${json({ userId: '日本' })}\r\n`;
    const bytes = Buffer.from(text);
    // Split every 3 bytes: multi-byte characters and CRLF pairs land in different chunks.
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.subarray(i, i + 3));
    const results = await collect(Readable.from(chunks));
    expect(summary(results)).toEqual([
      [1, 'zoë'],
      [3, '日本'],
    ]);
  });

  it('mentions arrays when a pretty-printed JSON array is given', async () => {
    const results = await collect(await writeTemp('array.json', '[\n  {"userId": "u"}\n]\n'));
    expect(results[0]?.line).toBe(1);
    expect(results[0]?.errors?.[0]?.message).toContain(
      'a JSON array is not accepted, write one object per line',
    );
  });

  it('can stop early without reading the rest', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => json({ userId: `u${i}` })).join('\n');
    const seen: number[] = [];
    for await (const r of readEvents(await writeTemp('many.jsonl', lines))) {
      seen.push(r.line);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws for a missing file', async () => {
    await expect(collect(join(dir, 'nope.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});

describe('readEvents: CSV', () => {
  const header = 'userId,timestamp,success,ip,userAgent,location.country,city,lat,lon,failedAttempts,label';
  const rows = [
    header, // 1
    'u2,2024-05-01T10:00:00Z,true,203.0.113.7,"Mozilla/5.0 (X11; Linux), ""quoted""",de,Berlin,52.52,13.405,0,benign', // 2
    'u3,2024-05-01T10:00:00Z,yes,999.1.1.1,UA,,,,,,', // 3 bad IP
    ',2024-05-01T10:00:00Z,no,203.0.113.7,UA,,,,,,', // 4 missing userId
    'u5,1714557600000,1,203.0.113.7', // 5 too few cells
    '', // 6 blank
    'u7,2024-05-01T10:00:00Z,false,2001:db8::1,"multi', // 7 a record on two lines
    'line agent",FR,,,,3,attack', // 8
    'u9,1970-01-01T00:00:00Z,false,203.0.113.7,UA,,,,,,', // 9 years away
    `u10,2024-05-01T10:00:00Z,true,203.0.113.7,"${'x'.repeat(1024 * 1024)}",,,,,,`, // 10 1 MB row
    'u11,2024-05-01T10:00:00Z,maybe,203.0.113.7,UA,US,,abc,,,', // 11 bad boolean and number
    'u12,2024-05-01T10:00:00Z,TRUE,203.0.113.7,UA,us,,,,,', // 12
    'u13,2024-05-01T10:00:00Z,true,203.0.113.7,"never closed,,,,,,', // 13 unclosed quote to the end
    'u14,2024-05-01T10:00:00Z,true,203.0.113.7,UA,,,,,,', // 14 (swallowed by line 13's quote)
  ];

  it('reports every bad row with its line number, field and rule', async () => {
    const results = await collect(await writeTemp('mixed.csv', `${rows.join('\n')}\n`));
    expect(summary(results)).toEqual([
      [2, 'u2'],
      [3, 'ip', 'format'],
      [4, 'userId', 'required'],
      [5, '(line)', 'columns'],
      [7, 'u7'],
      [9, 'timestamp', 'range'],
      [10, '(line)', 'too_long'],
      [11, 'success', 'type', 'location.lat', 'type'],
      [12, 'u12'],
      [13, '(line)', 'csv'],
    ]);
  });

  it('coerces cells and builds the same events as JSON would', async () => {
    const results = await collect(await writeTemp('mixed2.csv', `${rows.join('\n')}\n`));
    const byLine = new Map(results.map((r) => [r.line, r]));
    expect(byLine.get(2)?.event).toEqual({
      eventId: expect.stringMatching(/^ev_[0-9a-f]{32}$/),
      userId: 'u2',
      timestampMs: Date.UTC(2024, 4, 1, 10),
      success: true,
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux), "quoted"',
      location: { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.405 },
      failedAttempts: 0,
      attributes: { label: 'benign' },
    });
    expect(byLine.get(7)?.event).toMatchObject({
      userId: 'u7',
      success: false,
      ip: '2001:db8::1',
      userAgent: 'multi\nline agent',
      location: { country: 'FR' },
      failedAttempts: 3,
      attributes: { label: 'attack' },
    });
    expect(byLine.get(12)?.event).toMatchObject({ success: true, location: { country: 'US' } });
    expect(byLine.get(5)?.errors?.[0]?.message).toBe('(line): row has 4 cells, the header has 11 columns');
    expect(byLine.get(5)?.excerpt).toBe('u5,1714557600000,1,203.0.113.7');
    expect(byLine.get(11)?.errors).toEqual([
      {
        field: 'success',
        rule: 'type',
        message: "success: expected a boolean (true or false), got string 'maybe'",
      },
      { field: 'location.lat', rule: 'type', message: "location.lat: expected a number, got string 'abc'" },
    ]);
    expect(byLine.get(13)?.errors?.[0]?.message).toMatch(/^\(line\): not a valid CSV row \(Quote Not Closed/);
  });

  it('skips a record of tens of MB arriving in chunks, even a quoted one spanning lines', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const newlines = Buffer.from('\n\n');
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from(
        'userId,timestamp,success,ip,userAgent\nu2,1714557600000,true,1.2.3.4,UA\nu3,1714557600000,true,1.2.3.4,"',
      );
      for (let i = 0; i < 40; i++) yield i === 20 ? newlines : chunk;
      yield Buffer.from('"\nu6,1714557600000,false,1.2.3.4,UA\nu7,1714557600000,false,1.2.3.4,"');
      for (let i = 0; i < 3; i++) yield chunk;
    }
    const results = await collect(Readable.from(source()), { format: 'csv' });
    expect(summary(results)).toEqual([
      [2, 'u2'],
      [3, '(line)', 'too_long'],
      [6, 'u6'],
      [7, '(line)', 'too_long'],
    ]);
    expect(results[1]?.errors?.[0]?.message).toContain(`is ${31 + 39 * 1024 * 1024 + 2 + 1} bytes long`);
  });

  it('reports a too-long header and stops', async () => {
    const path = await writeTemp('long-header.csv', `${'c'.repeat(200)}\nu1,2\n`);
    const results = await collect(path, { maxLineBytes: 100 });
    expect(summary(results)).toEqual([[1, '(header)', 'too_long']]);
    expect(results[0]?.errors?.[0]?.message).toBe(
      '(header): is 200 bytes long, the limit is 100 bytes; skipped',
    );
  });

  it('reads CRLF files and a byte order mark', async () => {
    const text = `\uFEFFuserId,timestamp,success,ip\r\nu1,2024-05-01T10:00:00Z,true,1.2.3.4\r\n\r\nu3,2024-05-01T10:00:00Z,false,1.2.3.4\r\n`;
    expect(summary(await collect(await writeTemp('crlf.csv', text)))).toEqual([
      [2, 'u1'],
      [4, 'u3'],
    ]);
  });

  it('keeps line numbers right after a too-long record in a CRLF file', async () => {
    const ok = (id: string) => `${id},2024-05-01T10:00:00Z,true,1.2.3.4`;
    const text = [
      'userId,timestamp,success,ip',
      ok('u2'),
      `u3,2024-05-01T10:00:00Z,true,"${'x'.repeat(300)}\r\n${'y'.repeat(300)}"`,
      ok('u5'),
      '',
      ok('u7'),
    ].join('\r\n');
    const results = await collect(await writeTemp('crlf-long.csv', text), { maxLineBytes: 200 });
    expect(summary(results)).toEqual([
      [2, 'u2'],
      [3, '(line)', 'too_long'],
      [5, 'u5'],
      [7, 'u7'],
    ]);
    expect(results[1]?.errors?.[0]?.message).toBe(
      '(line): is 634 bytes long, the limit is 200 bytes; skipped',
    );
  });

  it('keeps unknown columns as string attributes', async () => {
    const text = 'userId,timestamp,success,ip,attackId,score\nu1,1714557600000,0,1.2.3.4,42,\n';
    const [r] = await collect(await writeTemp('attrs.csv', text));
    expect(r?.event?.attributes).toEqual({ attackId: '42' });
    expect(r?.event?.timestampMs).toBe(1714557600000);
    expect(r?.event?.success).toBe(false);
  });
});

describe('readEvents: gzip and streams', () => {
  const jsonl = `${json({ userId: 'g1' })}\n${json({ userId: 'g2', ip: 'bad' })}\n${json({ userId: 'g3' })}\n`;
  const csv =
    'userId,timestamp,success,ip\nc1,2024-05-01T10:00:00Z,true,1.2.3.4\nc2,2024-05-01T10:00:00Z,oops,1.2.3.4\n';
  const expectedJsonl = [
    [1, 'g1'],
    [2, 'ip', 'format'],
    [3, 'g3'],
  ];
  const expectedCsv = [
    [2, 'c1'],
    [3, 'success', 'type'],
  ];

  it('reads gzip files named .jsonl.gz and .csv.gz', async () => {
    expect(summary(await collect(await writeTemp('a.jsonl.gz', gzipSync(jsonl))))).toEqual(expectedJsonl);
    expect(summary(await collect(await writeTemp('a.csv.gz', gzipSync(csv))))).toEqual(expectedCsv);
  });

  it('recognises gzip by its magic bytes and the format by content, whatever the name', async () => {
    expect(summary(await collect(await writeTemp('export.dat', gzipSync(jsonl))))).toEqual(expectedJsonl);
    expect(summary(await collect(await writeTemp('export2.dat', gzipSync(csv))))).toEqual(expectedCsv);
    // A misleading name: gzip content in a file called .jsonl, still read as gzip.
    expect(summary(await collect(await writeTemp('plain.jsonl', gzipSync(jsonl))))).toEqual(expectedJsonl);
  });

  it('reads stdin-like streams, detecting the format from content', async () => {
    expect(summary(await collect(Readable.from([Buffer.from(`\n\n${jsonl}`)])))).toEqual(
      expectedJsonl.map(([line, ...rest]) => [Number(line) + 2, ...rest]),
    );
    expect(summary(await collect(Readable.from([csv.slice(0, 10), csv.slice(10)])))).toEqual(expectedCsv);
    expect(summary(await collect(Readable.from([gzipSync(jsonl)])))).toEqual(expectedJsonl);
  });

  it('uses an explicit format over the name', async () => {
    const path = await writeTemp('events.jsonl', csv);
    expect(summary(await collect(path, { format: 'csv' }))).toEqual(expectedCsv);
  });

  it('throws on a corrupt gzip stream', async () => {
    const gz = gzipSync(jsonl);
    await expect(collect(Readable.from([gz.subarray(0, gz.length - 12)]))).rejects.toThrow();
  });

  it('yields nothing for empty input', async () => {
    expect(await collect(Readable.from([]))).toEqual([]);
    expect(await collect(await writeTemp('empty.csv', ''))).toEqual([]);
  });
});

describe('detectFormat', () => {
  it.each([
    ['a.jsonl', 'jsonl'],
    ['a.NDJSON', 'jsonl'],
    ['a.json.gz', 'jsonl'],
    ['a.csv', 'csv'],
    ['/tmp/x/A.CSV.GZ', 'csv'],
  ])('%s → %s', (name, format) => {
    expect(detectFormat(name)).toBe(format);
  });

  it('looks at content when the name does not say', () => {
    expect(detectFormat('data.txt', '  \n{"a":1}')).toBe('jsonl');
    expect(detectFormat(undefined, Buffer.from('\uFEFF[{}]'))).toBe('jsonl');
    expect(detectFormat(undefined, 'userId,timestamp\n')).toBe('csv');
    expect(detectFormat(undefined, '')).toBe('jsonl');
    expect(detectFormat()).toBe('jsonl');
  });
});
