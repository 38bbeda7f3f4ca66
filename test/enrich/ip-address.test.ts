import { describe, expect, it } from 'vitest';
import { isPublicIp, parseIp, v4IntToString } from '../../src/enrich/ip-address.js';

describe('parseIp', () => {
  it('parses IPv4 into its canonical form and 32-bit integer', () => {
    expect(parseIp('8.8.8.8')).toEqual({
      canonical: '8.8.8.8',
      version: 4,
      v4Int: 0x08080808,
      range: 'unicast',
    });
  });

  it('turns IPv4-mapped IPv6 into the IPv4 address', () => {
    const parsed = parseIp('::ffff:8.8.8.8');
    expect(parsed?.canonical).toBe('8.8.8.8');
    expect(parsed?.version).toBe(4);
    expect(parsed?.v4Int).toBe(0x08080808);
  });

  it('compresses IPv6 to the RFC 5952 form and keeps the top 64 bits', () => {
    const parsed = parseIp('2001:4860:4860:0000:0000:0000:0000:8888');
    expect(parsed?.canonical).toBe('2001:4860:4860::8888');
    expect(parsed?.version).toBe(6);
    expect(parsed?.v6High64).toBe(0x2001486048600000n);
  });

  it('drops the zone id of a link-local address', () => {
    expect(parseIp('fe80::1%eth0')?.canonical).toBe('fe80::1');
  });

  it.each([
    ['10.0.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.1.1', 'linkLocal'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['192.0.2.1', 'reserved'],
  ])('names the range of %s (%s) and does not call it public', (ip, range) => {
    expect(parseIp(ip)?.range).toBe(range);
    expect(isPublicIp(ip)).toBe(false);
  });

  it.each(['garbage', '', '1.2.3.256', '127.1', '0x7f000001', '001.2.3.4', '1.2.3.4.5', '::g', '1.2.3.4/24'])(
    'returns undefined for %j without throwing',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
      expect(isPublicIp(text)).toBe(false);
    },
  );

  it('treats ordinary global addresses as public', () => {
    expect(isPublicIp('8.8.8.8')).toBe(true);
    expect(isPublicIp('2001:4860:4860::8888')).toBe(true);
  });

  it('formats the integer back to a dotted quad', () => {
    expect(v4IntToString(0xc0a80101)).toBe('192.168.1.1');
  });
});
