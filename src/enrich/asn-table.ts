import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isPublicIp, type ParsedIp, parseIp } from './ip-address.js';

/** The autonomous system that announces an address, and its organisation name. */
export interface AsnRecord {
  asn: number;
  org: string;
}

/** One IPv4 range of the table, bounds inclusive, as unsigned 32-bit integers. */
export interface AsnRange extends AsnRecord {
  start: number;
  end: number;
}

/**
 * IP → ASN lookups from the ip-location-db ASN tables (RouteViews + DB-IP, CC BY 4.0).
 *
 * @example
 * const asns = loadAsnTable();
 * asns.lookup('8.8.8.8'); // { asn: 15169, org: 'Google LLC' }
 */
export interface AsnTable {
  /** The ASN of a public address; `undefined` for private, malformed or unannounced addresses. Never throws. */
  lookup(ip: string): AsnRecord | undefined;
  /** Same as {@link lookup} for an address already parsed (saves a second parse in the enricher). */
  lookupParsed(ip: ParsedIp): AsnRecord | undefined;
  /** Every IPv4 range in address order (the data generator draws addresses from these). */
  ipv4Ranges(): Iterable<AsnRange>;
}

/** Where the CSV files are: a folder laid out like the `@ip-location-db/asn` package. */
export interface AsnTableOptions {
  dir?: string;
}

const IPV4_FILE = 'asn-ipv4-num.csv';
/** The numeric variant of `asn-ipv6.csv` (same rows, decimal 128-bit bounds): no IPv6 text parsing at load. */
const IPV6_FILE = 'asn-ipv6-num.csv';

/**
 * Loads the IPv4 table now (about 411k ranges) and the IPv6 table on the first IPv6 lookup
 * (most deployments see mostly IPv4, and start-up time matters for the CLI).
 *
 * @throws Error naming the file when the IPv4 table cannot be read.
 */
export function loadAsnTable(options: AsnTableOptions = {}): AsnTable {
  const dir = options.dir ?? defaultDir();
  const orgs = new OrgTable();
  const v4 = parseIpv4Csv(readTable(join(dir, IPV4_FILE)), orgs);
  let v6: Ipv6Table | undefined;
  let v6Failed = false;

  function ipv6(): Ipv6Table | undefined {
    if (v6 === undefined && !v6Failed) {
      try {
        v6 = parseIpv6Csv(readTable(join(dir, IPV6_FILE)), orgs);
      } catch {
        // A missing IPv6 table degrades IPv6 addresses to "unknown network"; it must not fail logins.
        v6Failed = true;
      }
    }
    return v6;
  }

  function lookupParsed(ip: ParsedIp): AsnRecord | undefined {
    if (!isPublicIp(ip)) return undefined;
    if (ip.version === 4) {
      const i = findRange(v4.starts, ip.v4Int ?? 0);
      if (i < 0 || (ip.v4Int ?? 0) > (v4.ends[i] ?? 0)) return undefined;
      return record(v4.asns[i] ?? 0, v4.orgIds[i] ?? 0, orgs);
    }
    const table = ipv6();
    const key = ip.v6High64;
    if (table === undefined || key === undefined) return undefined;
    const i = findRange(table.starts, key);
    if (i < 0 || key > (table.ends[i] ?? 0n)) return undefined;
    return record(table.asns[i] ?? 0, table.orgIds[i] ?? 0, orgs);
  }

  return {
    lookupParsed,
    lookup(ip: string): AsnRecord | undefined {
      const parsed = parseIp(ip);
      return parsed === undefined ? undefined : lookupParsed(parsed);
    },
    *ipv4Ranges(): Iterable<AsnRange> {
      for (let i = 0; i < v4.count; i++) {
        yield {
          start: v4.starts[i] ?? 0,
          end: v4.ends[i] ?? 0,
          asn: v4.asns[i] ?? 0,
          org: orgs.get(v4.orgIds[i] ?? 0),
        };
      }
    },
  };
}

function record(asn: number, orgId: number, orgs: OrgTable): AsnRecord | undefined {
  // AS0 marks unannounced space in some exports: no AS, not an AS called "0".
  return asn === 0 ? undefined : { asn, org: orgs.get(orgId) };
}

function defaultDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
}

function readTable(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ASN table ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Index of the last range whose start is ≤ key, or -1. Ranges are disjoint except for rare
 * nested announcements, where the later (more specific) start wins.
 */
function findRange<T extends number | bigint>(starts: ArrayLike<T>, key: T): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as T) <= key) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Organisation names, stored once each: 411k rows share about 75k names. */
class OrgTable {
  private readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  intern(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  get(id: number): string {
    return this.names[id] ?? '';
  }
}

interface Ipv4Table {
  count: number;
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  orgIds: Uint32Array;
}

interface Ipv6Table {
  starts: BigUint64Array;
  ends: BigUint64Array;
  asns: Uint32Array;
  orgIds: Uint32Array;
}

const COMMA = 44;
const QUOTE = 34;
const NEWLINE = 10;
const CR = 13;

/**
 * Parses `start,end,asn,org` lines straight from the bytes. Hand-rolled on purpose: this one
 * fixed-format file is read at every start (CLI runs, restarted workers), and csv-parse needs
 * about 1.5 s just to split its 411k rows into string arrays (measured, Node 20), against about
 * 0.4 s for this whole load, arrays and name table included. Lines that do not start with a
 * number (a header, a blank line) are skipped.
 */
function parseIpv4Csv(buf: Buffer, orgs: OrgTable): Ipv4Table {
  let capacity = 1;
  for (let p = buf.indexOf(NEWLINE); p !== -1; p = buf.indexOf(NEWLINE, p + 1)) capacity++;
  const starts = new Uint32Array(capacity);
  const ends = new Uint32Array(capacity);
  const asns = new Uint32Array(capacity);
  const orgIds = new Uint32Array(capacity);
  const len = buf.length;
  const seen = new Map<number, SeenOrg>();
  let count = 0;
  let sorted = true;
  let pos = 0;
  while (pos < len) {
    let lineEnd = buf.indexOf(NEWLINE, pos);
    if (lineEnd === -1) lineEnd = len;
    const start = readUint(buf, pos, lineEnd);
    const end = start >= 0 ? readUint(buf, cursor + 1, lineEnd) : -1;
    const asn = end >= 0 ? readUint(buf, cursor + 1, lineEnd) : -1;
    if (asn >= 0) {
      starts[count] = start;
      ends[count] = end;
      asns[count] = asn;
      orgIds[count] = internOrg(buf, asn, cursor + 1, lineEnd, orgs, seen);
      if (count > 0 && start < (starts[count - 1] ?? 0)) sorted = false;
      count++;
    }
    pos = lineEnd + 1;
  }
  const table = {
    count,
    starts: starts.subarray(0, count),
    ends: ends.subarray(0, count),
    asns: asns.subarray(0, count),
    orgIds: orgIds.subarray(0, count),
  };
  return sorted ? table : sortIpv4(table);
}

/** Position just after the last number read by {@link readUint} (module state keeps the loop allocation-free). */
let cursor = 0;

/** Reads a decimal integer ending at a comma; -1 when the field is empty, not a number or over 32 bits. */
function readUint(buf: Buffer, from: number, limit: number): number {
  let value = 0;
  let i = from;
  for (; i < limit; i++) {
    const c = buf[i] ?? 0;
    if (c === COMMA) break;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  cursor = i;
  return i === from || i >= limit || value > 0xffffffff ? -1 : value;
}

/** Where an ASN's org name was first seen in the file, to recognise it again without decoding. */
interface SeenOrg {
  id: number;
  from: number;
  to: number;
}

/**
 * An ASN has one org name in practice, so the bytes are compared in place with the first
 * occurrence for that ASN (no string allocated); decoding happens only for new names. This
 * halves the load time; a differing name is still decoded and interned, so nothing is assumed.
 */
function internOrg(
  buf: Buffer,
  asn: number,
  from: number,
  lineEnd: number,
  orgs: OrgTable,
  seen: Map<number, SeenOrg>,
): number {
  const to = lineEnd > from && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
  const prior = seen.get(asn);
  if (prior !== undefined && sameBytes(buf, prior.from, prior.to, from, to)) return prior.id;
  const id = orgs.intern(readField(buf, from, lineEnd));
  if (prior === undefined) seen.set(asn, { id, from, to });
  return id;
}

/** Byte equality in a plain loop: the names are short, and Buffer.compare's native call costs more than the loop. */
function sameBytes(buf: Buffer, aFrom: number, aTo: number, bFrom: number, bTo: number): boolean {
  if (aTo - aFrom !== bTo - bFrom) return false;
  for (let i = aFrom, j = bFrom; i < aTo; i++, j++) if (buf[i] !== buf[j]) return false;
  return true;
}

/** The last field of a line: plain, or double-quoted with `""` for a quote. */
function readField(buf: Buffer, from: number, lineEnd: number): string {
  let end = lineEnd;
  if (end > from && buf[end - 1] === CR) end--;
  if (buf[from] !== QUOTE) return buf.toString('utf8', from, end);
  const closing = end > from + 1 && buf[end - 1] === QUOTE ? end - 1 : end;
  const inner = buf.toString('utf8', from + 1, closing);
  return inner.includes('"') ? inner.replaceAll('""', '"') : inner;
}

function sortIpv4(t: Ipv4Table): Ipv4Table {
  const order = Array.from({ length: t.count }, (_, i) => i).sort(
    (a, b) => (t.starts[a] ?? 0) - (t.starts[b] ?? 0),
  );
  const pick = (src: Uint32Array): Uint32Array => Uint32Array.from(order, (i) => src[i] ?? 0);
  return {
    count: t.count,
    starts: pick(t.starts),
    ends: pick(t.ends),
    asns: pick(t.asns),
    orgIds: pick(t.orgIds),
  };
}

/**
 * IPv6 ranges keyed on their top 64 bits. Approximation, on purpose: a /64 is one site (the
 * smallest unit anyone routes or assigns), so comparing the network half of the address keeps
 * the table in fixed-width BigUint64Arrays instead of 128-bit BigInts. The cost: the few ranges
 * smaller than a /64 (about 50 of 103k rows) are widened to their whole /64, and when two of them
 * share a /64, the later one answers for all of it.
 */
function parseIpv6Csv(buf: Buffer, orgs: OrgTable): Ipv6Table {
  const lines = buf.toString('utf8').split('\n');
  const starts = new BigUint64Array(lines.length);
  const ends = new BigUint64Array(lines.length);
  const asns = new Uint32Array(lines.length);
  const orgIds = new Uint32Array(lines.length);
  let count = 0;
  for (const text of lines) {
    const a = text.indexOf(',');
    const b = text.indexOf(',', a + 1);
    const c = text.indexOf(',', b + 1);
    if (a <= 0 || b <= a || c <= b) continue;
    const first = text.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const asn = Number(text.slice(b + 1, c));
    if (!Number.isInteger(asn)) continue;
    let start: bigint;
    let end: bigint;
    try {
      start = BigInt(text.slice(0, a)) >> 64n;
      end = BigInt(text.slice(a + 1, b)) >> 64n;
    } catch {
      continue;
    }
    let org = text.slice(c + 1);
    if (org.endsWith('\r')) org = org.slice(0, -1);
    if (org.startsWith('"')) org = org.slice(1, org.endsWith('"') ? -1 : undefined).replaceAll('""', '"');
    starts[count] = start;
    ends[count] = end;
    asns[count] = asn;
    orgIds[count] = orgs.intern(org);
    count++;
  }
  const table = {
    starts: starts.subarray(0, count),
    ends: ends.subarray(0, count),
    asns: asns.subarray(0, count),
    orgIds: orgIds.subarray(0, count),
  };
  return isSorted(table.starts) ? table : sortIpv6(table);
}

function isSorted(starts: BigUint64Array): boolean {
  for (let i = 1; i < starts.length; i++) if ((starts[i] ?? 0n) < (starts[i - 1] ?? 0n)) return false;
  return true;
}

function sortIpv6(t: Ipv6Table): Ipv6Table {
  const order = Array.from({ length: t.starts.length }, (_, i) => i).sort((a, b) => {
    const x = t.starts[a] ?? 0n;
    const y = t.starts[b] ?? 0n;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return {
    starts: BigUint64Array.from(order, (i) => t.starts[i] ?? 0n),
    ends: BigUint64Array.from(order, (i) => t.ends[i] ?? 0n),
    asns: Uint32Array.from(order, (i) => t.asns[i] ?? 0),
    orgIds: Uint32Array.from(order, (i) => t.orgIds[i] ?? 0),
  };
}
