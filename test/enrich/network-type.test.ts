import { describe, expect, it } from 'vitest';
import { anonymizerListsFromText } from '../../src/enrich/anonymizer-lists.js';
import { loadAsnTable } from '../../src/enrich/asn-table.js';
import {
  KNOWN_HOSTING_ASNS,
  KNOWN_MOBILE_ASNS,
  KNOWN_TOR_ASNS,
  KNOWN_VPN_ASNS,
} from '../../src/enrich/known-networks.js';
import { classifyNetwork } from '../../src/enrich/network-type.js';

const asns = loadAsnTable();
const classify = (ip: string) => classifyNetwork(asns.lookup(ip), ip);

describe('classifyNetwork on real addresses', () => {
  it('calls an AWS address hosting', () => {
    expect(classify('3.5.140.2')).toEqual({ asn: 16509, org: 'Amazon.com, Inc.', type: 'hosting' });
  });

  it('calls a T-Mobile US address mobile', () => {
    expect(classify('172.56.0.1')).toEqual({ asn: 21928, org: 'T-Mobile USA, Inc.', type: 'mobile' });
  });

  it('calls an address of a Tor exit operator anonymizing/tor', () => {
    expect(classify('109.70.100.1')).toMatchObject({ asn: 208323, type: 'anonymizing', anonymizer: 'tor' });
  });

  it('calls a Mullvad address anonymizing/vpn', () => {
    expect(classify('45.83.220.1')).toMatchObject({ asn: 39351, type: 'anonymizing', anonymizer: 'vpn' });
  });

  it('calls a home broadband address residential', () => {
    expect(classify('73.0.0.1')).toMatchObject({ asn: 7922, type: 'residential' });
  });

  it.each(['10.0.0.1', '127.0.0.1', '100.64.0.1', '::1', 'fe80::1', '192.168.0.10'])(
    'calls %s private',
    (ip) => {
      expect(classify(ip)).toEqual({ type: 'private' });
    },
  );

  it('calls a public address without an announced ASN unknown', () => {
    expect(classifyNetwork(undefined, '8.8.8.8')).toEqual({ type: 'unknown' });
  });
});

describe('classifyNetwork rules', () => {
  it('recognises mobile carriers by org name', () => {
    expect(classifyNetwork({ asn: 64500, org: 'Example Mobile Telecom' }, '8.8.8.8').type).toBe('mobile');
    expect(classifyNetwork({ asn: 64501, org: 'Exxon Mobil Corporation' }, '8.8.8.8').type).toBe(
      'residential',
    );
  });

  it('recognises hosting providers by org name', () => {
    expect(classifyNetwork({ asn: 64502, org: 'Acme VPS Hosting Ltd' }, '8.8.8.8').type).toBe('hosting');
    expect(classifyNetwork({ asn: 64503, org: 'Nordic Data Center AB' }, '8.8.8.8').type).toBe('hosting');
  });

  it('puts an operator list before the ASN rules', () => {
    const lists = anonymizerListsFromText([{ text: '3.5.140.0/24\n', kind: 'proxy' }]);
    expect(classifyNetwork(asns.lookup('3.5.140.2'), '3.5.140.2', lists)).toMatchObject({
      asn: 16509,
      type: 'anonymizing',
      anonymizer: 'proxy',
    });
  });

  it('never lets a list turn a private address into an anonymizer', () => {
    const lists = anonymizerListsFromText([{ text: '10.0.0.0/8', kind: 'vpn' }]);
    expect(classifyNetwork(undefined, '10.1.2.3', lists)).toEqual({ type: 'private' });
  });
});

describe('curated ASN sets', () => {
  it('keep the kinds apart', () => {
    const sets = [KNOWN_TOR_ASNS, KNOWN_VPN_ASNS, KNOWN_MOBILE_ASNS, KNOWN_HOSTING_ASNS];
    const seen = new Set<number>();
    for (const set of sets) {
      for (const asn of set.keys()) {
        expect(seen.has(asn)).toBe(false);
        seen.add(asn);
      }
    }
  });

  it('name only ASNs that announce address space in the bundled table', () => {
    const announced = new Set<number>();
    for (const range of asns.ipv4Ranges()) announced.add(range.asn);
    for (const set of [KNOWN_TOR_ASNS, KNOWN_VPN_ASNS, KNOWN_MOBILE_ASNS, KNOWN_HOSTING_ASNS]) {
      for (const asn of set.keys()) expect(announced.has(asn), `AS${asn}`).toBe(true);
    }
  });
});
