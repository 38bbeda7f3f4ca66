import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginEvent } from '../../src/event/login-event.js';
import { readEvents } from '../../src/event/read-events.js';
import { validateEvent } from '../../src/event/validate-event.js';
import { CSV_COLUMNS, csvHeader, toCsvRow, toJsonLine } from '../../src/event/write-events.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loginguard-write-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const RECORDS: Record<string, unknown>[] = [
  {
    eventId: 'gen-000001',
    userId: 'alice@example.com',
    timestamp: '2024-05-01T10:00:00.250Z',
    success: true,
    ip: '203.0.113.7',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko), "quoted", end',
    deviceId: 'dev-1',
    deviceType: 'desktop',
    location: { country: 'DE', region: 'BE', city: 'Berlin', lat: 52.520008, lon: 13.404954 },
    sessionDurationSec: 1832.5,
    failedAttempts: 0,
    behavioralScore: 0.93,
    mfa: 'passed',
    email: 'alice@example.com',
    tenant: 'acme, inc.',
    label: 'benign',
  },
  {
    userId: 'bob',
    timestamp: 1714557600123,
    success: false,
    ip: '2001:db8::42',
    userAgent: 'curl/8.0\nwith a line break and a trailing quote"',
    failedAttempts: 12,
    label: 'brute_force',
    attackId: 'atk-3',
  },
  {
    userId: 'carol',
    timestamp: '2024-05-01T12:00:00+02:00',
    success: true,
    ip: '198.51.100.1',
    location: { country: 'US' },
  },
];

async function readAll(path: string): Promise<LoginEvent[]> {
  const events: LoginEvent[] = [];
  for await (const r of readEvents(path)) {
    if (r.errors) throw new Error(`line ${r.line}: ${JSON.stringify(r.errors)}`);
    events.push(r.event);
  }
  return events;
}

describe('write-events', () => {
  it('writes the header in CSV_COLUMNS order', () => {
    expect(csvHeader()).toBe(
      'eventId,userId,timestamp,success,ip,userAgent,deviceId,deviceType,country,region,city,lat,lon,sessionDurationSec,failedAttempts,behavioralScore,mfa,email,tenant,label,attackId\n',
    );
    expect(csvHeader().trimEnd().split(',')).toEqual([...CSV_COLUMNS]);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const row = toCsvRow({
      userId: 'u',
      userAgent: 'a, "b"\nc',
      success: false,
      location: { country: 'DE', lat: 1.5 },
    });
    expect(row).toBe(',u,,false,,"a, ""b""\nc",,,DE,,,1.5,,,,,,,,,\n');
    const [cells] = parse(row) as string[][];
    expect(cells?.[5]).toBe('a, "b"\nc');
    expect(cells).toHaveLength(CSV_COLUMNS.length);
  });

  it('writes one JSON object per line', () => {
    expect(toJsonLine({ userId: 'u', success: true })).toBe('{"userId":"u","success":true}\n');
  });

  it('round-trips records through JSONL and CSV to the same LoginEvents', async () => {
    const jsonlPath = join(dir, 'events.jsonl');
    const csvPath = join(dir, 'events.csv');
    await writeFile(jsonlPath, RECORDS.map(toJsonLine).join(''));
    await writeFile(csvPath, csvHeader() + RECORDS.map(toCsvRow).join(''));

    const expected = RECORDS.map((r) => {
      const v = validateEvent(r);
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      return v.event;
    });
    const fromJsonl = await readAll(jsonlPath);
    const fromCsv = await readAll(csvPath);
    expect(fromJsonl).toEqual(expected);
    expect(fromCsv).toEqual(expected);

    // Spot-check values, not just equality between the two paths.
    expect(fromCsv[0]?.userAgent).toBe(RECORDS[0]?.userAgent);
    expect(fromCsv[0]?.eventId).toBe('gen-000001');
    expect(fromCsv[0]?.location).toEqual({
      country: 'DE',
      region: 'BE',
      city: 'Berlin',
      lat: 52.520008,
      lon: 13.404954,
    });
    expect(fromCsv[0]?.tenant).toBe('acme, inc.');
    expect(fromCsv[0]?.attributes).toEqual({ label: 'benign' });
    expect(fromCsv[1]?.userAgent).toBe('curl/8.0\nwith a line break and a trailing quote"');
    expect(fromCsv[1]?.timestampMs).toBe(1714557600123);
    expect(fromCsv[1]?.attributes).toEqual({ label: 'brute_force', attackId: 'atk-3' });
    expect(fromCsv[2]?.timestampMs).toBe(Date.UTC(2024, 4, 1, 10));
    expect(fromCsv[2]?.eventId).toMatch(/^ev_[0-9a-f]{32}$/);
  });

  it('reports CSV line numbers after multi-line cells correctly', async () => {
    const path = join(dir, 'lines.csv');
    await writeFile(path, csvHeader() + RECORDS.map(toCsvRow).join(''));
    const lines: number[] = [];
    for await (const r of readEvents(path)) lines.push(r.line);
    // Record 2 spans lines 3-4 (a line break inside its user agent).
    expect(lines).toEqual([2, 3, 5]);
  });
});
