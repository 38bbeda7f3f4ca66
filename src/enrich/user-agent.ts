import { UAParser } from 'ua-parser-js';

/** What a user-agent string tells about the client (the `key` is added by `device-key.ts`). */
export interface ParsedUserAgent {
  browser?: string;
  browserVersion?: string;
  os?: string;
  /** `mobile`, `tablet`, `desktop`, `bot`, `unknown`, or another ua-parser device type (`smarttv`, `console`, …). */
  type: string;
  /** A script or headless browser rather than a person's browser. */
  automated: boolean;
}

/**
 * HTTP libraries and command-line tools: nobody types a password into these. Matched at the
 * start of the string, where they put their name. `okhttp` and `Dalvik`-less Java clients are
 * also the default UA of some native Android apps; an IdP that fronts such an app should send
 * `deviceType`, which keeps the type but not `automated` (see docs/enrichment.md).
 */
const SCRIPT_CLIENT =
  /^(?:python-requests|python-urllib|python-httpx|python\/|aiohttp|httpx|curl|wget|go-http-client|okhttp|java\/|apache-httpclient|jakarta|libwww-perl|lwp::|node-fetch|undici|axios|got |got\/|postmanruntime|insomnia|httpie|scrapy|ruby|faraday|guzzlehttp|php|powershell|winhttp|restsharp|dart\/|reqwest|hackney|mechanize)/i;

/** Browser automation that still looks like a browser. */
const HEADLESS = /headless|phantomjs|selenium|webdriver|puppeteer|playwright|slimerjs/i;

/**
 * Self-declared crawlers. Not a bare `bot` substring: phones such as the `CUBOT X30` carry it
 * in their model name. Crawlers say `compatible; SomeBot/1.0; +https://…`.
 */
const CRAWLER =
  /compatible;[^)]*(?:bot|crawler|spider)|\+https?:\/\/|crawler|spider|slurp|facebookexternalhit|bingpreview/i;

/**
 * Parses a user agent with ua-parser-js 1.x (MIT; 2.x is AGPL-3.0, see docs/THIRD_PARTY.md).
 *
 * Type: ua-parser's device type when it has one (`mobile`, `tablet`, `smarttv`, …), else
 * `desktop` when both an OS and a browser were recognised, `bot` for scripts, crawlers and
 * headless browsers, `unknown` otherwise. A non-empty `deviceTypeHint` (the event's
 * `deviceType`) wins over the parsed type; it does not change `automated`.
 *
 * An absent UA (`undefined`: the IdP does not forward it) is `unknown` and not automated; an
 * empty or blank UA that was sent is automated, since every browser sends one.
 *
 * @example
 * parseUserAgent('python-requests/2.31.0') // { type: 'bot', automated: true }
 */
export function parseUserAgent(ua: string | undefined, deviceTypeHint?: string): ParsedUserAgent {
  const hint = deviceTypeHint?.trim().toLowerCase();
  const parsed = parseRaw(ua);
  if (hint !== undefined && hint.length > 0) parsed.type = hint;
  return parsed;
}

function parseRaw(ua: string | undefined): ParsedUserAgent {
  if (ua === undefined) return { type: 'unknown', automated: false };
  const text = ua.trim();
  if (text.length === 0) return { type: 'bot', automated: true };
  const result = new UAParser(text).getResult();
  const out: ParsedUserAgent = { type: 'unknown', automated: false };
  if (result.browser.name) out.browser = result.browser.name;
  if (result.browser.version) out.browserVersion = result.browser.version;
  if (result.os.name) out.os = result.os.name;
  const automated = SCRIPT_CLIENT.test(text) || HEADLESS.test(text);
  if (automated || CRAWLER.test(text)) {
    out.automated = true;
    out.type = 'bot';
  } else if (result.device.type) {
    out.type = result.device.type;
  } else if (out.os !== undefined && out.browser !== undefined) {
    out.type = 'desktop';
  }
  return out;
}
