import type { Rng } from '../util/random.js';

/** The platforms simulated people log in from. */
export type Platform = 'windows' | 'mac' | 'linux' | 'iphone' | 'android';

/** Browser families, matched to what each platform really ships. */
export type Browser = 'chrome' | 'edge' | 'firefox' | 'safari' | 'samsung';

/** What the IdP reports as device type, the value the dataset carries. */
export type SimDeviceType = 'desktop' | 'mobile' | 'unknown';

/**
 * One browser on one device. The user agent is derived from the date, so versions move the way
 * real auto-updating browsers do (Chrome every four weeks, Safari with the OS), each device a
 * few days behind the release according to `updateLagDays`.
 */
export interface BrowserSpec {
  platform: Platform;
  browser: Browser;
  /** Days between a release and this device running it. */
  updateLagDays: number;
  /** Android model code (only Samsung Internet still sends it in the user agent). */
  model?: string;
}

const DAY_MS = 86_400_000;

/** Release anchors: a known stable release date per family, then the family's cadence. */
const CHROME_ANCHOR = { version: 143, ms: Date.UTC(2025, 11, 2), cadenceDays: 28 };
const FIREFOX_ANCHOR = { version: 146, ms: Date.UTC(2025, 11, 9), cadenceDays: 28 };
/** Safari 26 (September 2025) replaced 18.x; a minor release about every seven weeks. */
const SAFARI_26_MS = Date.UTC(2025, 8, 15);
const SAFARI_18_MS = Date.UTC(2024, 8, 16);
const SAFARI_MINOR_DAYS = 50;
/** Samsung Internet majors come about every three months; 29 shipped in autumn 2025. */
const SAMSUNG_ANCHOR = { version: 29, ms: Date.UTC(2025, 9, 1), cadenceDays: 90 };

function majorAt(anchor: { version: number; ms: number; cadenceDays: number }, ms: number): number {
  return anchor.version + Math.floor((ms - anchor.ms) / (anchor.cadenceDays * DAY_MS));
}

/** `[major, minor]` of Safari at a date. */
function safariAt(ms: number): [number, number] {
  if (ms >= SAFARI_26_MS)
    return [26, Math.min(6, Math.floor((ms - SAFARI_26_MS) / (SAFARI_MINOR_DAYS * DAY_MS)))];
  if (ms >= SAFARI_18_MS)
    return [18, Math.min(6, Math.floor((ms - SAFARI_18_MS) / (SAFARI_MINOR_DAYS * DAY_MS)))];
  return [17, 6];
}

/**
 * The user agent string a browser sends at a date, in the reduced formats browsers use today
 * (Chrome's frozen `Android 10; K` and `Windows NT 10.0`, iOS 26's frozen `iPhone OS 18_6`).
 */
export function userAgentAt(spec: BrowserSpec, ms: number): string {
  const at = ms - spec.updateLagDays * DAY_MS;
  const chrome = majorAt(CHROME_ANCHOR, at);
  const firefox = majorAt(FIREFOX_ANCHOR, at);
  const [safariMajor, safariMinor] = safariAt(at);
  const safari = `${safariMajor}.${safariMinor}`;
  const webkit = 'AppleWebKit/537.36 (KHTML, like Gecko)';
  switch (spec.platform) {
    case 'windows':
      if (spec.browser === 'firefox')
        return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
      if (spec.browser === 'edge')
        return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36 Edg/${chrome}.0.0.0`;
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36`;
    case 'mac':
      if (spec.browser === 'safari')
        return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${safari} Safari/605.1.15`;
      if (spec.browser === 'firefox')
        return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
      if (spec.browser === 'edge')
        return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36 Edg/${chrome}.0.0.0`;
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36`;
    case 'linux':
      if (spec.browser === 'firefox')
        return `Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`;
      return `Mozilla/5.0 (X11; Linux x86_64) ${webkit} Chrome/${chrome}.0.0.0 Safari/537.36`;
    case 'iphone': {
      const os = safariMajor >= 26 ? '18_6' : `${safariMajor}_${safariMinor}`;
      return `Mozilla/5.0 (iPhone; CPU iPhone OS ${os} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${safari} Mobile/15E148 Safari/604.1`;
    }
    case 'android':
      if (spec.browser === 'samsung') {
        const samsung = majorAt(SAMSUNG_ANCHOR, at);
        return `Mozilla/5.0 (Linux; Android 15; ${spec.model ?? 'SM-S921B'}) ${webkit} SamsungBrowser/${samsung}.0 Chrome/${chrome - 6}.0.0.0 Mobile Safari/537.36`;
      }
      return `Mozilla/5.0 (Linux; Android 10; K) ${webkit} Chrome/${chrome}.0.0.0 Mobile Safari/537.36`;
    default: {
      const never: never = spec.platform;
      return never;
    }
  }
}

/** Device type of a platform, as an IdP would report it. */
export function deviceTypeOf(platform: Platform): SimDeviceType {
  return platform === 'iphone' || platform === 'android' ? 'mobile' : 'desktop';
}

const SAMSUNG_MODELS = ['SM-S921B', 'SM-S928B', 'SM-A556B', 'SM-A356B', 'SM-S911B', 'SM-G991B'];

/** A computer a person uses: mostly Windows, then Macs, a few Linux desktops. */
export function randomComputer(rng: Rng): BrowserSpec {
  const platform = rng.weighted<Platform>(['windows', 'mac', 'linux'], [60, 35, 5]);
  const browser =
    platform === 'windows'
      ? rng.weighted<Browser>(['chrome', 'edge', 'firefox'], [62, 28, 10])
      : platform === 'mac'
        ? rng.weighted<Browser>(['chrome', 'safari', 'firefox', 'edge'], [52, 36, 8, 4])
        : rng.weighted<Browser>(['chrome', 'firefox'], [55, 45]);
  return { platform, browser, updateLagDays: updateLag(rng) };
}

/** A phone: iPhone or Android at the given iPhone share (it varies a lot by country). */
export function randomPhone(rng: Rng, iphoneShare: number): BrowserSpec {
  if (rng.chance(iphoneShare))
    return { platform: 'iphone', browser: 'safari', updateLagDays: updateLag(rng) };
  if (rng.chance(0.2)) {
    return {
      platform: 'android',
      browser: 'samsung',
      updateLagDays: updateLag(rng),
      model: rng.pick(SAMSUNG_MODELS),
    };
  }
  return { platform: 'android', browser: 'chrome', updateLagDays: updateLag(rng) };
}

/** Most browsers update within days; a tail of people restart theirs only every few weeks. */
function updateLag(rng: Rng): number {
  return rng.chance(0.8) ? rng.int(0, 7) : rng.int(8, 40);
}

/**
 * Clients that are scripts, not browsers: what brute-force and stuffing tools send when their
 * author did not bother to disguise them. An IdP reports their device type as unknown.
 */
export const AUTOMATION_USER_AGENTS: readonly string[] = [
  'python-requests/2.32.3',
  'python-requests/2.31.0',
  'curl/8.5.0',
  'Go-http-client/2.0',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
  'axios/1.7.9',
  'Java/17.0.9',
  'Mozilla/4.0 (Hydra)',
];

/** A headless Chrome: automation that renders pages, with the tell-tale `HeadlessChrome` token. */
export function headlessChromeUserAgent(ms: number): string {
  const chrome = majorAt(CHROME_ANCHOR, ms);
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/${chrome}.0.0.0 Safari/537.36`;
}

/**
 * The static list of "common" user agents a stuffing tool rotates through: real browser strings,
 * but frozen at the versions current when the list was compiled, months behind real traffic.
 */
export function staleCommonUserAgents(ms: number, monthsBehind: number): string[] {
  const then = ms - monthsBehind * 30 * DAY_MS;
  const specs: BrowserSpec[] = [
    { platform: 'windows', browser: 'chrome', updateLagDays: 0 },
    { platform: 'windows', browser: 'edge', updateLagDays: 0 },
    { platform: 'windows', browser: 'firefox', updateLagDays: 0 },
    { platform: 'mac', browser: 'chrome', updateLagDays: 0 },
    { platform: 'mac', browser: 'safari', updateLagDays: 0 },
    { platform: 'iphone', browser: 'safari', updateLagDays: 0 },
    { platform: 'android', browser: 'chrome', updateLagDays: 0 },
  ];
  const out: string[] = [];
  for (const spec of specs) {
    out.push(userAgentAt(spec, then));
    out.push(userAgentAt(spec, then - 60 * DAY_MS));
  }
  return out;
}

/** Device type an IdP reports for a user agent string the generator made. */
export function deviceTypeOfUserAgent(userAgent: string): SimDeviceType {
  if (!userAgent.startsWith('Mozilla/5.0')) return 'unknown';
  if (userAgent.includes('HeadlessChrome')) return 'desktop';
  return userAgent.includes('Mobile') ? 'mobile' : 'desktop';
}
