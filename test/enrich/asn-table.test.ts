import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAsnTable } from '../../src/enrich/asn-table.js';

const asns = loadAsnTable();

describe('loadAsnTable with the bundled ip-location-db ASN data', () => {
  it('finds Google for 8.8.8.8 and Cloudflare for 1.1.1.1', () => {
    expect(asns.lookup('8.8.8.8')).toEqual({ asn: 15169, org: 'Google LLC' });
    expect(asns.lookup('1.1.1.1')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
  });

  it('unquotes org names that contain commas', () => {
    expect(asns.lookup('3.5.140.2')).toEqual({ asn: 16509, org: 'Amazon.com, Inc.' });
  });

  it('finds IPv6 addresses (loaded on first use)', () => {
    expect(asns.lookup('2001:4860:4860::8888')?.asn).toBe(15169);
    expect(asns.lookup('2606:4700:4700::1111')?.asn).toBe(13335);
  });

  it.each(['10.0.0.1', '192.168.1.1', '::1', 'fe80::1', 'nonsense'])('has no ASN for %s', (ip) => {
    expect(asns.lookup(ip)).toBeUndefined();
  });

  it('lists the IPv4 ranges in address order', () => {
    let count = 0;
    let previous = -1;
    let ordered = true;
    for (const range of asns.ipv4Ranges()) {
      if (range.start < previous || range.end < range.start) ordered = false;
      previous = range.start;
      count++;
    }
    expect(ordered).toBe(true);
    expect(count).toBeGreaterThan(300_000);
  });
});

describe('loadAsnTable with an operator-supplied folder', () => {
  it('parses quoted names, doubled quotes, CRLF and a header, and tolerates a missing IPv6 file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asn-'));
    writeFileSync(
      join(dir, 'asn-ipv4-num.csv'),
      'start,end,asn,org\r\n16777216,16777471,13335,"Cloudflare, Inc."\r\n35309568,35313663,201907,"LLC ""SPUTNIK"""\r\n',
    );
    const table = loadAsnTable({ dir });
    expect(table.lookup('1.0.0.7')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(table.lookup('2.26.200.1')).toEqual({ asn: 201907, org: 'LLC "SPUTNIK"' });
    expect(table.lookup('1.0.1.0')).toBeUndefined();
    expect(table.lookup('2001:4860:4860::8888')).toBeUndefined();
  });

  it('names the file when the IPv4 table is missing', () => {
    expect(() => loadAsnTable({ dir: '/nonexistent-asn-dir' })).toThrow(/asn-ipv4-num\.csv/);
  });
});
