import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import type { AnonymizerKind } from './enrichment.js';
import { type ParsedIp, parseIp } from './ip-address.js';

/** One operator-supplied list file and what its entries are (e.g. the Tor bulk exit list → `tor`). */
export interface AnonymizerListSource {
  path: string;
  kind: AnonymizerKind;
}

/**
 * Addresses known to be anonymizers, from operator-supplied files.
 *
 * @example
 * const lists = loadAnonymizerLists([{ path: '/etc/loginguard/tor-exits.txt', kind: 'tor' }]);
 * lists.match(parseIp('185.220.101.1')!); // 'tor'
 */
export interface AnonymizerLists {
  /** The kind of the first list (`tor`, then `vpn`, then `proxy`) containing the address. */
  match(ip: ParsedIp): AnonymizerKind | undefined;
  /** Entries loaded, per kind, and lines that were neither an address, a CIDR nor a comment. */
  readonly stats: { entries: Record<AnonymizerKind, number>; rejectedLines: number };
}

/** Tor first: when an address is on several lists, the most specific claim wins. */
const KIND_ORDER: readonly AnonymizerKind[] = ['tor', 'vpn', 'proxy'];

/**
 * Reads list files: one IP or CIDR per line; `#` starts a comment; blank lines are ignored. A
 * line may carry other words (the Tor `exit-addresses` format is `ExitAddress 1.2.3.4 date`):
 * its first token that is an address or CIDR is used. Bad lines are counted, not fatal, so one
 * stray line in a downloaded list does not stop the service.
 *
 * @throws Error naming the file when it cannot be read.
 */
export function loadAnonymizerLists(sources: readonly AnonymizerListSource[]): AnonymizerLists {
  return anonymizerListsFromText(
    sources.map((source) => {
      try {
        return { text: readFileSync(source.path, 'utf8'), kind: source.kind };
      } catch (error) {
        throw new Error(`cannot read anonymizer list ${source.path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }),
  );
}

/** Same as {@link loadAnonymizerLists}, from list contents already in memory. */
export function anonymizerListsFromText(
  lists: readonly { text: string; kind: AnonymizerKind }[],
): AnonymizerLists {
  const v4: Record<AnonymizerKind, [number, number][]> = { tor: [], vpn: [], proxy: [] };
  const v6: Record<AnonymizerKind, [bigint, bigint][]> = { tor: [], vpn: [], proxy: [] };
  let rejectedLines = 0;
  for (const { text, kind } of lists) {
    for (const rawLine of text.split('\n')) {
      const hash = rawLine.indexOf('#');
      const line = (hash >= 0 ? rawLine.slice(0, hash) : rawLine).trim();
      if (line.length === 0) continue;
      const entry = firstEntry(line);
      if (entry === undefined) rejectedLines++;
      else if (entry.version === 4) v4[kind].push([entry.start, entry.end]);
      else v6[kind].push([entry.start, entry.end]);
    }
  }
  const tables = KIND_ORDER.map((kind) => ({
    kind,
    v4: mergeRanges(
      v4[kind],
      (a, b) => a - b,
      (end) => end + 1,
    ),
    v6: mergeRanges(
      v6[kind],
      (a, b) => (a < b ? -1 : a > b ? 1 : 0),
      (end) => end + 1n,
    ),
  }));
  const entries = { tor: 0, vpn: 0, proxy: 0 };
  for (const kind of KIND_ORDER) entries[kind] = v4[kind].length + v6[kind].length;

  return {
    stats: { entries, rejectedLines },
    match(ip: ParsedIp): AnonymizerKind | undefined {
      for (const table of tables) {
        const hit =
          ip.version === 4
            ? contains(table.v4, ip.v4Int ?? -1)
            : ip.v6High64 !== undefined && contains(table.v6, ip.v6High64);
        if (hit) return table.kind;
      }
      return undefined;
    },
  };
}

type Entry = { version: 4; start: number; end: number } | { version: 6; start: bigint; end: bigint };

function firstEntry(line: string): Entry | undefined {
  for (const token of line.split(/[\s,;]+/)) {
    const entry = token.includes('/') ? parseCidr(token) : parseSingle(token);
    if (entry !== undefined) return entry;
  }
  return undefined;
}

function parseSingle(token: string): Entry | undefined {
  const ip = parseIp(token);
  if (ip === undefined) return undefined;
  if (ip.version === 4) return { version: 4, start: ip.v4Int ?? 0, end: ip.v4Int ?? 0 };
  const high = ip.v6High64 ?? 0n;
  return { version: 6, start: high, end: high };
}

/**
 * IPv6 entries are kept at /64 granularity, like the ASN table: one /64 is one host or site, so a
 * listed exit address marks its /64 (a longer prefix is widened to its /64).
 */
function parseCidr(token: string): Entry | undefined {
  const [address, bitsText] = token.split('/');
  if (address === undefined || bitsText === undefined || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const ip = parseIp(address);
  if (ip === undefined) return undefined;
  if (ip.version === 4) {
    // An IPv4-mapped prefix (::ffff:a.b.c.d/120) counts in IPv6 bits; bring it back to IPv4.
    const v4Bits = address.includes(':') ? bits - 96 : bits;
    if (v4Bits < 0 || v4Bits > 32) return undefined;
    const mask = v4Bits === 0 ? 0 : (0xffffffff << (32 - v4Bits)) >>> 0;
    const start = ((ip.v4Int ?? 0) & mask) >>> 0;
    return { version: 4, start, end: (start | (~mask >>> 0)) >>> 0 };
  }
  if (bits > 128 || !ipaddr.isValidCIDR(token)) return undefined;
  const high = ip.v6High64 ?? 0n;
  const hostBits = BigInt(Math.max(0, 64 - bits));
  const start = (high >> hostBits) << hostBits;
  return { version: 6, start, end: start | ((1n << hostBits) - 1n) };
}

/** Sorts and merges overlapping or adjacent ranges, so that a binary search on starts is exact. */
function mergeRanges<T extends number | bigint>(
  ranges: [T, T][],
  compare: (a: T, b: T) => number,
  next: (end: T) => T,
): { starts: T[]; ends: T[] } {
  const sorted = [...ranges].sort((a, b) => compare(a[0], b[0]));
  const starts: T[] = [];
  const ends: T[] = [];
  for (const [start, end] of sorted) {
    const last = ends.length - 1;
    const lastEnd = ends[last];
    if (lastEnd !== undefined && compare(start, next(lastEnd)) <= 0) {
      if (compare(end, lastEnd) > 0) ends[last] = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { starts, ends };
}

function contains<T extends number | bigint>(table: { starts: T[]; ends: T[] }, key: T): boolean {
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const start = table.starts[mid] as T;
    if (key < start) hi = mid - 1;
    else if (key > (table.ends[mid] as T)) lo = mid + 1;
    else return true;
  }
  return false;
}
