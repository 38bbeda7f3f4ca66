import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCommand } from '../../src/cli/generate-command.js';
import { CSV_COLUMNS, csvHeader } from '../../src/event/write-events.js';
import { generateDataset, loadIpPool } from '../../src/simulate/generate-dataset.js';
import type { IpPool } from '../../src/simulate/ip-pool.js';
import { writeDataset } from '../../src/simulate/write-dataset.js';

let dir: string;
let pool: IpPool;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lg-generate-'));
  pool = loadIpPool().pool;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = { users: 80, days: 5, seed: 11 };

describe('writeDataset', () => {
  it('writes byte-identical gzipped JSONL for the same seed', async () => {
    const a = join(dir, 'a.jsonl.gz');
    const b = join(dir, 'b.jsonl.gz');
    await writeDataset(generateDataset({ ...options, pool }).records, { out: a });
    await writeDataset(generateDataset({ ...options, pool }).records, { out: b });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const lines = gunzipSync(readFileSync(a)).toString('utf8').trim().split('\n');
    const expected = [...generateDataset({ ...options, pool }).records];
    expect(lines).toHaveLength(expected.length);
    expect(JSON.parse(lines[0] as string)).toEqual(JSON.parse(JSON.stringify(expected[0])));
  });

  it('writes CSV with the shared header and one row per record', async () => {
    const file = join(dir, 'd.csv');
    const run = generateDataset({ ...options, pool });
    await writeDataset(run.records, { out: file });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(csvHeader())).toBe(true);
    const rows = text.trim().split('\n');
    expect(rows.length - 1).toBe(run.summary.events);
    expect(CSV_COLUMNS).toContain('label');
  });

  it('streams to standard output with `-`', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const run = generateDataset({ ...options, pool });
    await writeDataset(run.records, { out: '-', stdout: sink, format: 'jsonl' });
    expect(Buffer.concat(chunks).toString('utf8').trim().split('\n')).toHaveLength(run.summary.events);
  });
});

describe('loginguard generate', () => {
  it('writes the file and prints a summary with users, events, attacks per scenario and seconds', async () => {
    const out = join(dir, 'cli.jsonl');
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await generateCommand().parseAsync(['--users', '60', '--days', '10', '--seed', '3', '--out', out], {
        from: 'user',
      });
    } finally {
      spy.mockRestore();
    }
    const summary = printed.join('');
    expect(summary).toMatch(/generated [\d,]+ events for 60 users .* over 10 days in [\d.]+ s/);
    for (const scenario of ['brute_force', 'password_spray', 'credential_stuffing', 'low_and_slow']) {
      expect(summary).toContain(scenario);
    }
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(60 * 10);
  });

  it('rejects bad options with a message naming the flag', async () => {
    const errors: string[] = [];
    const command = generateCommand()
      .exitOverride()
      .configureOutput({ writeErr: (s) => errors.push(s) });
    await expect(
      command.parseAsync(['--users', '0', '--days', '3', '--seed', '1', '--out', join(dir, 'x.jsonl')], {
        from: 'user',
      }),
    ).rejects.toThrow();
    expect(errors.join('')).toContain('--users must be a positive integer');
  });
});
