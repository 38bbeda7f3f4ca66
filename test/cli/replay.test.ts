import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Assessment } from '../../src/event/assessment.js';
import type { DetectionMetrics } from '../../src/train/detection-metrics.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lg-replay-'));
const dataset = join(dir, 'logins.jsonl');

beforeAll(() => {
  const gen = runCli(['generate', '--users', '200', '--days', '21', '--seed', '31337', '--out', dataset]);
  expect(gen.status).toBe(0);
});

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

describe('loginguard replay', () => {
  it('writes one assessment per event in input order and reports detection per scenario', () => {
    const out = join(dir, 'assessments.jsonl');
    const metricsPath = join(dir, 'metrics.json');
    const run = runCli(['replay', dataset, '--out', out, '--metrics', metricsPath]);
    expect(run.status).toBe(0);

    const events = lines(dataset).map((l) => JSON.parse(l) as { eventId: string; userId: string });
    const assessments = lines(out).map((l) => JSON.parse(l) as Assessment);
    expect(assessments).toHaveLength(events.length);
    assessments.forEach((a, i) => {
      expect(a.eventId).toBe(events[i]?.eventId);
      expect(a.userId).toBe(events[i]?.userId);
      expect(['allow', 'challenge', 'deny']).toContain(a.action);
      expect(a.riskScore).toBeGreaterThanOrEqual(0);
      expect(a.riskScore).toBeLessThanOrEqual(1);
    });

    expect(run.stderr).toMatch(/events in [\d.]+ s \([\d,]+ events\/s\)/);
    expect(run.stderr).toMatch(/^brute_force\s+\d+/m);
    expect(run.stderr).toMatch(/^benign: \d+ events; challenged [\d.]+%, denied [\d.]+%/m);

    const metrics = JSON.parse(readFileSync(metricsPath, 'utf8')) as DetectionMetrics;
    const scenarios = metrics.labelled?.scenarios ?? {};
    expect(Object.keys(scenarios).sort()).toEqual([
      'anonymizing_takeover',
      'brute_force',
      'credential_stuffing',
      'impossible_travel',
      'low_and_slow',
      'new_device_odd_hours',
      'password_spray',
    ]);
    // Sanity, not tuning: these are the bars, checked on a seed nobody tuned on.
    let successes = 0;
    let flagged = 0;
    for (const s of Object.values(scenarios)) {
      successes += s.successes;
      flagged += s.successesFlagged;
    }
    expect(successes).toBeGreaterThan(0);
    expect(flagged / successes).toBeGreaterThanOrEqual(0.95);
    const benign = metrics.labelled?.benign;
    expect(benign && (benign.challenged + benign.denied) / benign.events).toBeLessThanOrEqual(0.02);
  });

  it('gives the same assessments for the same input, byte for byte', () => {
    const a = runCli(['replay', dataset, '--out', '-']);
    const b = runCli(['replay', dataset, '--out', '-']);
    expect(a.status).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('gives the same assessments, errors and figures on two threads as on one', () => {
    const mixed = join(dir, 'mixed-threads.jsonl');
    const good = lines(dataset);
    writeFileSync(mixed, [...good.slice(0, 500), '{broken', ...good.slice(500)].join('\n'));
    const one = runCli(['replay', mixed, '--threads', '1', '--out', '-', '--metrics', join(dir, 'm1.json')]);
    const two = runCli(['replay', mixed, '--threads', '2', '--out', '-', '--metrics', join(dir, 'm2.json')]);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout.trimEnd().split('\n')).toHaveLength(good.length);
    const bad = (out: string) => out.split('\n').filter((l) => l.startsWith('line '));
    expect(bad(two.stderr)).toEqual([
      "line 501: (line): not valid JSON (Expected property name or '}' in JSON at position 1)",
    ]);
    expect(bad(one.stderr)).toEqual(bad(two.stderr));
    const figures = (path: string) => {
      const {
        seconds: _s,
        threads: _t,
        ...rest
      } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      return rest;
    };
    expect(figures(join(dir, 'm2.json'))).toEqual(figures(join(dir, 'm1.json')));
  });

  it('reads from stdin', () => {
    const head = lines(dataset).slice(0, 50).join('\n');
    const run = runCli(['replay', '-', '--out', '-'], `${head}\n`);
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(50);
  });

  it('reports each bad line with its number, field and rule, and scores every good line', () => {
    const good = lines(dataset).slice(0, 6);
    const bad = join(dir, 'mixed.jsonl');
    const base = {
      userId: 'x@example.com',
      timestamp: '2026-01-10T10:00:00Z',
      success: true,
      ip: '81.2.69.142',
    };
    writeFileSync(
      bad,
      [
        good[0],
        '{"userId": "broken", "timestamp": ', // broken JSON
        good[1],
        JSON.stringify({ ...base, userId: undefined }), // missing userId
        good[2],
        JSON.stringify({ ...base, ip: '300.1.2.3' }), // bad IP
        good[3],
        JSON.stringify({ ...base, timestamp: '2999-01-01T00:00:00Z' }), // years ahead
        JSON.stringify({ ...base, timestamp: '1971-01-01T00:00:00Z' }), // years back
        good[4],
        JSON.stringify({ ...base, userAgent: 'x'.repeat(1024 * 1024) }), // a 1 MB line
        good[5],
      ].join('\n'),
    );
    const run = runCli(['replay', bad, '--out', '-']);
    expect(run.status).toBe(0);
    const out = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Assessment);
    expect(out.map((a) => a.eventId)).toEqual(
      good.map((l) => (JSON.parse(l ?? '{}') as { eventId: string }).eventId),
    );
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('line '));
    expect(errors).toHaveLength(6);
    expect(errors[0]).toMatch(/^line 2: \(line\): not valid JSON/);
    expect(errors[1]).toMatch(/^line 4: userId: required/);
    expect(errors[2]).toMatch(/^line 6: ip: '300\.1\.2\.3' is not an IPv4 or IPv6 address/);
    expect(errors[3]).toMatch(/^line 8: timestamp: .*after/);
    expect(errors[4]).toMatch(/^line 9: timestamp: .*before/);
    expect(errors[5]).toBe('line 11: (line): is 1048686 bytes long, the limit is 65536 bytes; skipped');
    expect(run.stderr).toMatch(/6 bad line\(s\) skipped/);
  });

  it('--fit-after n: the rules alone score the first n events, then models fitted on them score the rest too', () => {
    const rulesOut = join(dir, 'rules-only.jsonl');
    expect(runCli(['replay', dataset, '--threads', '1', '--out', rulesOut]).status).toBe(0);
    const out = join(dir, 'fit-after.jsonl');
    const run = runCli(['replay', dataset, '--fit-after', '6000', '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^models fitted on the first 6,000 events \([\d,]+ normal-looking logins; /m);

    const rules = lines(rulesOut);
    const fitted = lines(out);
    expect(fitted).toHaveLength(rules.length);
    // The warm-up is the rules' replay exactly; after it every login carries the models' scores.
    expect(fitted.slice(0, 6000)).toEqual(rules.slice(0, 6000));
    const after = fitted.slice(6000).map((l) => JSON.parse(l) as Assessment);
    expect(after.length).toBeGreaterThan(2000);
    for (const a of after) {
      expect(typeof a.scores.models).toBe('number');
      expect(typeof a.scores.ensemble).toBe('number');
    }
    // Fitted models rank logins, not a constant.
    expect(new Set(after.map((a) => a.scores.models)).size).toBeGreaterThan(100);
  });

  it('--fit-after on too short a warm-up says why the fit failed and goes on with the rules alone', () => {
    const run = runCli(['replay', dataset, '--fit-after', '300', '--out', '-']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /^fitting the models after 300 events failed: only \d+ normal-looking logins in the first 300 events of .*: too few to train on \(need 1,000\); the rules score the rest alone$/m,
    );
    const out = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Assessment);
    expect(out.length).toBeGreaterThan(6000);
    expect(out.filter((a) => a.scores.models !== undefined)).toHaveLength(0);
  });

  it('refuses --fit-after with --models, or with more than one thread, in one line', () => {
    for (const extra of [
      ['--models', dir],
      ['--threads', '2'],
    ]) {
      const run = runCli(['replay', dataset, '--fit-after', '100', ...extra]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^loginguard replay: --fit-after .*\n$/);
    }
  });
});
