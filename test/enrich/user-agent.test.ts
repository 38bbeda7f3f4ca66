import { describe, expect, it } from 'vitest';
import { deviceKey } from '../../src/enrich/device-key.js';
import { parseUserAgent } from '../../src/enrich/user-agent.js';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const WINDOWS_CHROME_124 =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const WINDOWS_CHROME_125 =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.60 Safari/537.36';

describe('parseUserAgent', () => {
  it('parses iPhone Safari as a mobile person', () => {
    expect(parseUserAgent(IPHONE_SAFARI)).toEqual({
      browser: 'Mobile Safari',
      browserVersion: '17.4',
      os: 'iOS',
      type: 'mobile',
      automated: false,
    });
  });

  it('parses Chrome on Windows as a desktop', () => {
    expect(parseUserAgent(WINDOWS_CHROME_124)).toMatchObject({
      browser: 'Chrome',
      os: 'Windows',
      type: 'desktop',
      automated: false,
    });
  });

  it('recognises an iPad as a tablet', () => {
    const ipad =
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1';
    expect(parseUserAgent(ipad).type).toBe('tablet');
  });

  it.each([
    'python-requests/2.31.0',
    'curl/8.4.0',
    'Go-http-client/1.1',
    'okhttp/4.12.0',
    'Java/17.0.2',
    'libwww-perl/6.72',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    '',
  ])('marks %j as an automated bot', (ua) => {
    expect(parseUserAgent(ua)).toMatchObject({ type: 'bot', automated: true });
  });

  it('does not mistake a phone with "bot" in its model name for a crawler', () => {
    const cubot =
      'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
    expect(parseUserAgent(cubot)).toMatchObject({ type: 'mobile', automated: false, os: 'Android' });
  });

  it('treats a user agent that was not sent as unknown, not automated', () => {
    expect(parseUserAgent(undefined)).toEqual({ type: 'unknown', automated: false });
  });

  it("lets the event's deviceType win over the parsed type", () => {
    expect(parseUserAgent(WINDOWS_CHROME_124, 'Tablet').type).toBe('tablet');
    expect(parseUserAgent('okhttp/4.12.0', 'mobile')).toMatchObject({ type: 'mobile', automated: true });
  });
});

describe('deviceKey', () => {
  it('gives the same key to the same browser after an update', () => {
    const before = deviceKey(undefined, parseUserAgent(WINDOWS_CHROME_124));
    const after = deviceKey(undefined, parseUserAgent(WINDOWS_CHROME_125));
    expect(before).toMatch(/^ua:[0-9a-f]{8}$/);
    expect(after).toBe(before);
  });

  it('gives a different key to a different browser, OS or type', () => {
    const chrome = deviceKey(undefined, parseUserAgent(WINDOWS_CHROME_124));
    const safari = deviceKey(undefined, parseUserAgent(IPHONE_SAFARI));
    const firefox = deviceKey(
      undefined,
      parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0'),
    );
    expect(new Set([chrome, safari, firefox]).size).toBe(3);
  });

  it("uses the app's device id when there is one", () => {
    expect(deviceKey('phone-42', parseUserAgent(IPHONE_SAFARI))).toBe('id:phone-42');
    expect(deviceKey('  ', parseUserAgent(IPHONE_SAFARI))).toMatch(/^ua:/);
  });
});
