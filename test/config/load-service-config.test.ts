import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../src/config/load-service-config.js';

describe('loadServiceConfig', () => {
  it('gives the embedded defaults with nothing set, frozen', () => {
    const { service, scoring } = loadServiceConfig({});
    expect(service).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      sqliteSynchronous: 'full',
      worker: true,
    });
    expect(scoring.policy.challengeThreshold).toBe(0.5);
    expect(Object.isFrozen(service)).toBe(true);
    expect(() => {
      (service as { port: number }).port = 1;
    }).toThrow();
  });

  it('reads LOGINGUARD_* variables with their types', () => {
    const { service } = loadServiceConfig({
      LOGINGUARD_PORT: '9090',
      LOGINGUARD_WORKER: 'false',
      LOGINGUARD_HOST: '0.0.0.0',
    });
    expect(service).toMatchObject({ port: 9090, worker: false, host: '0.0.0.0' });
  });

  it('stops on a bad value, naming the variable and the reason', () => {
    expect(() => loadServiceConfig({ LOGINGUARD_PORT: 'eighty' })).toThrow(
      /LOGINGUARD_PORT: must be a number \(got "eighty"\)/,
    );
    expect(() => loadServiceConfig({ LOGINGUARD_PORT: '70000' })).toThrow(/LOGINGUARD_PORT: .*65535/);
    expect(() => loadServiceConfig({ LOGINGUARD_SQLITE_SYNCHRONOUS: 'sometimes' })).toThrow(
      /LOGINGUARD_SQLITE_SYNCHRONOUS/,
    );
    expect(() => loadServiceConfig({ LOGINGUARD_ADMIN_KEY: 'short' })).toThrow(/LOGINGUARD_ADMIN_KEY/);
  });

  it('refuses an unknown LOGINGUARD_ variable (a typo must not fall back to a default)', () => {
    expect(() => loadServiceConfig({ LOGINGUARD_PROT: '9090' })).toThrow(/LOGINGUARD_PROT: is not a setting/);
  });

  it('reads a config file, scoring settings included, and lets the environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-config-'));
    const file = join(dir, 'loginguard.json');
    writeFileSync(
      file,
      JSON.stringify({ port: 7000, maxBatch: 50, scoring: { policy: { denyThreshold: 0.9 } } }),
    );
    const { service, scoring } = loadServiceConfig({ LOGINGUARD_CONFIG: file, LOGINGUARD_PORT: '7001' });
    expect(service.port).toBe(7001);
    expect(service.maxBatch).toBe(50);
    expect(scoring.policy.denyThreshold).toBe(0.9);
  });

  it('names the key of a bad config file value, and a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ scoring: { policy: { denyThreshold: 2 } } }));
    expect(() => loadServiceConfig({ LOGINGUARD_CONFIG: file })).toThrow(/scoring\.policy\.denyThreshold/);
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadServiceConfig({ LOGINGUARD_CONFIG: file })).toThrow(/prot: is not a setting/);
    writeFileSync(file, '{ not json');
    expect(() => loadServiceConfig({ LOGINGUARD_CONFIG: file })).toThrow(
      /LOGINGUARD_CONFIG: .* is not valid JSON/,
    );
    expect(() => loadServiceConfig({ LOGINGUARD_CONFIG: join(dir, 'missing.json') })).toThrow(/cannot read/);
  });
});
