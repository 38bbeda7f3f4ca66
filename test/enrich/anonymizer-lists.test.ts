import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anonymizerListsFromText, loadAnonymizerLists } from '../../src/enrich/anonymizer-lists.js';
import { parseIp } from '../../src/enrich/ip-address.js';

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (parsed === undefined) throw new Error(`bad test address ${text}`);
  return parsed;
};

describe('loadAnonymizerLists', () => {
  it('reads addresses, CIDRs and comments from files, each with its kind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anon-'));
    const tor = join(dir, 'tor-exits.txt');
    const vpn = join(dir, 'vpn.txt');
    writeFileSync(
      tor,
      '# Tor bulk exit list\n185.220.101.1\n\n2001:db8:1::5 # an IPv6 exit\nExitAddress 171.25.193.20 2024-05-01\n',
    );
    writeFileSync(vpn, '198.51.100.0/24\nnot-an-address\n203.0.113.0/25, some provider\n');
    const lists = loadAnonymizerLists([
      { path: tor, kind: 'tor' },
      { path: vpn, kind: 'vpn' },
    ]);
    expect(lists.match(ip('185.220.101.1'))).toBe('tor');
    expect(lists.match(ip('171.25.193.20'))).toBe('tor');
    expect(lists.match(ip('2001:db8:1::5'))).toBe('tor');
    expect(lists.match(ip('198.51.100.200'))).toBe('vpn');
    expect(lists.match(ip('203.0.113.127'))).toBe('vpn');
    expect(lists.match(ip('203.0.113.128'))).toBeUndefined();
    expect(lists.match(ip('185.220.101.2'))).toBeUndefined();
    expect(lists.stats).toEqual({ entries: { tor: 3, vpn: 2, proxy: 0 }, rejectedLines: 1 });
  });

  it('names the file it cannot read', () => {
    expect(() => loadAnonymizerLists([{ path: '/nonexistent/tor.txt', kind: 'tor' }])).toThrow(
      /\/nonexistent\/tor\.txt/,
    );
  });
});

describe('anonymizerListsFromText', () => {
  it('finds addresses inside nested and overlapping ranges', () => {
    const lists = anonymizerListsFromText([
      { text: '10.0.0.0/8\n10.1.0.0/16\n10.200.0.0/16\n', kind: 'proxy' },
    ]);
    expect(lists.match(ip('10.2.0.1'))).toBe('proxy');
    expect(lists.match(ip('10.255.255.255'))).toBe('proxy');
    expect(lists.match(ip('11.0.0.0'))).toBeUndefined();
  });

  it('prefers tor when an address is on several lists', () => {
    const lists = anonymizerListsFromText([
      { text: '192.0.2.0/24', kind: 'vpn' },
      { text: '192.0.2.7', kind: 'tor' },
    ]);
    expect(lists.match(ip('192.0.2.7'))).toBe('tor');
    expect(lists.match(ip('192.0.2.8'))).toBe('vpn');
  });
});
