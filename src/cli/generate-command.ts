import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ATTACK_SCENARIOS } from '../simulate/dataset-record.js';
import {
  type DatasetSummary,
  DEFAULT_START,
  generateDataset,
  loadIpPool,
  parseStart,
} from '../simulate/generate-dataset.js';
import { type DatasetFormat, formatFromPath, writeDataset } from '../simulate/write-dataset.js';

interface GenerateFlags {
  users: number;
  days: number;
  seed: number;
  out: string;
  format?: DatasetFormat;
  start: string;
  attackRate: number;
}

/**
 * `loginguard generate`: writes a synthetic, labelled login dataset (docs/dataset.md).
 *
 * @example
 * loginguard generate --users 10000 --days 30 --seed 1 --out logins.jsonl.gz
 * loginguard generate --users 200 --days 14 --seed 7 --out - --format csv | head
 */
export function generateCommand(): Command {
  return new Command('generate')
    .description('Generate a synthetic, labelled login dataset (benign users with look-alikes, and attacks).')
    .requiredOption('--users <n>', 'number of simulated users', positiveInt('--users'))
    .requiredOption('--days <n>', 'number of days to simulate', positiveInt('--days'))
    .requiredOption(
      '--seed <n>',
      'random seed: the same seed and options give the same file',
      integer('--seed'),
    )
    .requiredOption('--out <file>', 'output file (.gz compresses), or - for standard output')
    .addOption(
      new Option('--format <format>', 'output format (default: from the file name, else jsonl)').choices([
        'jsonl',
        'csv',
      ]),
    )
    .option('--start <date>', 'first day, YYYY-MM-DD (UTC)', startDate, DEFAULT_START)
    .option('--attack-rate <x>', 'multiplier on attack campaigns (1 = one per 50 users per 30 days)', rate, 1)
    .action(async (flags: GenerateFlags) => {
      await runGenerate(flags);
    });
}

async function runGenerate(flags: GenerateFlags): Promise<void> {
  const began = performance.now();
  const toStdout = flags.out === '-';
  const report = toStdout ? process.stderr : process.stdout;
  const format = flags.format ?? (toStdout ? 'jsonl' : formatFromPath(flags.out));

  // Progress only on a terminal: in CI logs or a pipe it would be noise.
  const tty = process.stderr.isTTY === true;
  if (tty) process.stderr.write('opening GeoIP and the ASN table, building the address pool…\n');
  const { pool, loadMs } = loadIpPool();
  const bar = tty
    ? new SingleBar({
        format: 'generating [{bar}] {value}/{total} days | {events} events | {duration_formatted}',
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      })
    : undefined;
  let written = 0;
  const run = generateDataset({
    users: flags.users,
    days: flags.days,
    seed: flags.seed,
    start: flags.start,
    attackRate: flags.attackRate,
    pool,
    onProgress: (done) => bar?.update(done, { events: written.toLocaleString('en-US') }),
  });
  bar?.start(flags.days, 0, { events: '0' });
  try {
    await writeDataset(run.records, {
      out: flags.out,
      format,
      onRecord: () => {
        written++;
      },
    });
  } finally {
    bar?.stop();
  }
  const seconds = (performance.now() - began) / 1000;
  report.write(
    formatSummary(run.summary, {
      days: flags.days,
      out: flags.out,
      format,
      seconds,
      loadMs,
      buildMs: pool.stats.buildMs,
      pool: pool.stats,
    }),
  );
}

function formatSummary(
  summary: DatasetSummary,
  info: {
    days: number;
    out: string;
    format: DatasetFormat;
    seconds: number;
    loadMs: number;
    buildMs: number;
    pool: { probes: number; asnRanges: number; cities: number; blocks: Record<string, number> };
  },
): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const of = (x: number, noun: string): string => `${n(x)} ${noun}${x === 1 ? '' : 's'}`;
  const lines = [
    `generated ${of(summary.events, 'event')} for ${of(summary.users, 'user')} (${of(summary.companies, 'tenant')}) over ${of(info.days, 'day')} in ${info.seconds.toFixed(1)} s → ${info.out === '-' ? 'stdout' : info.out} (${info.format})`,
    `  ip pool: ${(info.loadMs / 1000).toFixed(1)} s opening GeoIP + ASN table, ${(info.buildMs / 1000).toFixed(1)} s probing ${n(info.pool.probes)} of ${n(info.pool.asnRanges)} ranges → ${Object.entries(
      info.pool.blocks,
    )
      .map(([k, v]) => `${n(v)} ${k}`)
      .join(', ')} blocks in ${n(info.pool.cities)} cities`,
    `  benign: ${n(summary.byLabel.benign)} events (${n(summary.successesByLabel.benign)} successes)`,
    '  attacks: scenario            campaigns    events  successes',
  ];
  for (const scenario of ATTACK_SCENARIOS) {
    lines.push(
      `           ${scenario.padEnd(22)}${String(summary.attacks[scenario]).padStart(6)}${n(summary.byLabel[scenario]).padStart(10)}${n(summary.successesByLabel[scenario]).padStart(11)}`,
    );
  }
  if (summary.attacksSkipped > 0) lines.push(`  ${summary.attacksSkipped} planned campaign(s) could not run`);
  return `${lines.join('\n')}\n`;
}

function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} must be a positive integer.`);
    }
    return n;
  };
}

function integer(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${flag} must be an integer.`);
    }
    return n;
  };
}

function startDate(value: string): string {
  try {
    parseStart(value);
  } catch {
    throw new InvalidArgumentError('--start must be a date as YYYY-MM-DD.');
  }
  return value;
}

function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('--attack-rate must be a number ≥ 0.');
  return n;
}
