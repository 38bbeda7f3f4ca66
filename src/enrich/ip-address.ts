import ipaddr from 'ipaddr.js';

/**
 * An IP address after parsing: one canonical text form per address, so that caches, counters
 * and profiles never see `::ffff:8.8.8.8` and `8.8.8.8` as two different addresses.
 *
 * @example
 * parseIp('::ffff:8.8.8.8') // { canonical: '8.8.8.8', version: 4, v4Int: 134744072, range: 'unicast' }
 */
export interface ParsedIp {
  /** Dotted quad for IPv4 (including IPv4-mapped IPv6), RFC 5952 compressed form for IPv6 (zone id dropped). */
  canonical: string;
  version: 4 | 6;
  /** The IPv4 address as an unsigned 32-bit integer (IPv4 only). */
  v4Int?: number;
  /** The top 64 bits of an IPv6 address (IPv6 only): enough to find its routed prefix. */
  v6High64?: bigint;
  /** ipaddr.js range name: `unicast`, `private`, `loopback`, `linkLocal`, `carrierGradeNat`, `uniqueLocal`, `reserved`, … */
  range: string;
}

/**
 * Ranges that are routed on the public internet and therefore may have a GeoIP location and an ASN.
 * Everything else (RFC 1918, loopback, link-local, CGNAT, ULA, documentation, multicast, …) is
 * treated as private: a GeoIP answer for it would be noise, and CGNAT addresses say nothing
 * about where the user is. 6to4 and Teredo are real, globally routed prefixes.
 */
const PUBLIC_RANGES: ReadonlySet<string> = new Set(['unicast', '6to4', 'teredo', 'as112', 'as112v6', 'amt']);

/**
 * Parses an IPv4 or IPv6 address. Returns `undefined` (never throws) for anything that is not a
 * plain address. IPv4 must be four-part decimal: ipaddr.js would otherwise accept legacy forms
 * such as `127.1` or `0x7f000001`, which no IdP sends and which would let one address take
 * several textual forms.
 */
export function parseIp(text: string): ParsedIp | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return undefined;
  try {
    if (trimmed.includes(':')) {
      if (!ipaddr.IPv6.isValid(trimmed)) return undefined;
      const v6 = ipaddr.IPv6.parse(trimmed);
      if (v6.isIPv4MappedAddress()) return fromV4(v6.toIPv4Address());
      const p = v6.parts;
      const hi = (((p[0] ?? 0) << 16) | (p[1] ?? 0)) >>> 0;
      const lo = (((p[2] ?? 0) << 16) | (p[3] ?? 0)) >>> 0;
      return {
        canonical: new ipaddr.IPv6(v6.parts).toRFC5952String(),
        version: 6,
        v6High64: (BigInt(hi) << 32n) | BigInt(lo),
        range: v6.range(),
      };
    }
    if (!ipaddr.IPv4.isValidFourPartDecimal(trimmed)) return undefined;
    return fromV4(ipaddr.IPv4.parse(trimmed));
  } catch {
    return undefined;
  }
}

function fromV4(v4: ipaddr.IPv4): ParsedIp {
  const o = v4.octets;
  const int = (((o[0] ?? 0) << 24) >>> 0) + ((o[1] ?? 0) << 16) + ((o[2] ?? 0) << 8) + (o[3] ?? 0);
  return { canonical: o.join('.'), version: 4, v4Int: int, range: v4.range() };
}

/**
 * True when the address is routed on the public internet (so GeoIP and ASN lookups make sense).
 * Accepts a string or an already parsed address; an unparseable string is not public.
 */
export function isPublicIp(ip: string | ParsedIp): boolean {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip;
  return parsed !== undefined && PUBLIC_RANGES.has(parsed.range);
}

/** Formats an unsigned 32-bit integer as a dotted quad (the inverse of {@link ParsedIp.v4Int}). */
export function v4IntToString(int: number): string {
  return `${int >>> 24}.${(int >>> 16) & 255}.${(int >>> 8) & 255}.${int & 255}`;
}
