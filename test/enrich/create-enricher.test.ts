import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAsnTable } from '../../src/enrich/asn-table.js';
import { createEnricher } from '../../src/enrich/create-enricher.js';
import { openGeoIp } from '../../src/enrich/geoip.js';
import type { LoginEvent } from '../../src/event/login-event.js';

const geoIp = openGeoIp();
const asnTable = loadAsnTable();
const enricher = createEnricher({ geoIp, asnTable });

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

let counter = 0;
function event(over: Partial<LoginEvent>): LoginEvent {
  return {
    eventId: `ev-${++counter}`,
    userId: 'alice@example.com',
    timestampMs: Date.UTC(2024, 2, 4, 4, 30),
    success: true,
    ip: '8.8.8.8',
    attributes: {},
    ...over,
  };
}

describe('createEnricher', () => {
  it('enriches 8.8.8.8 with a US location and Google network', () => {
    const result = enricher.enrich(event({ ip: '8.8.8.8', userAgent: IPHONE_SAFARI }));
    expect(result.geo?.country).toBe('US');
    expect(result.geo?.source).toBe('geoip');
    expect(result.network).toMatchObject({ asn: 15169, org: 'Google LLC' });
    expect(result.device).toMatchObject({
      browser: 'Mobile Safari',
      os: 'iOS',
      type: 'mobile',
      automated: false,
    });
    expect(result.device.key).toMatch(/^ua:[0-9a-f]{8}$/);
  });

  it('enriches IPv6 addresses', () => {
    const result = enricher.enrich(event({ ip: '2001:4860:4860::8888' }));
    expect(result.geo?.country).toBe('US');
    expect(result.network.asn).toBe(15169);
  });

  it('gives the same answer for an IPv4-mapped address as for the IPv4 address', () => {
    const mapped = enricher.enrich(event({ ip: '::ffff:49.36.0.1' }));
    expect(mapped.geo?.city).toBe('Mumbai');
    expect(mapped.network.asn).toBe(55836);
    expect(mapped.network.type).toBe('mobile');
  });

  it.each(['10.0.0.1', '127.0.0.1', '100.64.0.1', '::1', 'fe80::1'])(
    'gives %s no location and a private network',
    (ip) => {
      const result = enricher.enrich(event({ ip }));
      expect(result.geo).toBeUndefined();
      expect(result.network).toEqual({ type: 'private' });
    },
  );

  it('does not throw on a malformed address', () => {
    const result = enricher.enrich(event({ ip: 'not-an-ip' }));
    expect(result.geo).toBeUndefined();
    expect(result.network).toEqual({ type: 'unknown' });
  });

  it('classifies a Tor operator, a cloud and a mobile carrier', () => {
    expect(enricher.enrich(event({ ip: '109.70.100.1' })).network).toMatchObject({
      type: 'anonymizing',
      anonymizer: 'tor',
    });
    expect(enricher.enrich(event({ ip: '3.5.140.2' })).network.type).toBe('hosting');
    expect(enricher.enrich(event({ ip: '172.56.0.1' })).network.type).toBe('mobile');
  });

  it('lets the event location win over GeoIP, with a 10 km radius for a point', () => {
    const result = enricher.enrich(
      event({ ip: '49.36.0.1', location: { country: 'fr', city: 'Paris', lat: 48.8566, lon: 2.3522 } }),
    );
    expect(result.geo).toEqual({
      country: 'FR',
      city: 'Paris',
      lat: 48.8566,
      lon: 2.3522,
      timezone: 'Europe/Paris',
      accuracyKm: 10,
      source: 'event',
    });
  });

  it('gives an event city without coordinates a 50 km radius', () => {
    const result = enricher.enrich(event({ ip: '8.8.8.8', location: { country: 'DE', city: 'Berlin' } }));
    expect(result.geo).toEqual({ country: 'DE', city: 'Berlin', accuracyKm: 50, source: 'event' });
  });

  it('borrows the GeoIP point when the event city is the GeoIP city', () => {
    const result = enricher.enrich(event({ ip: '49.36.0.1', location: { country: 'IN', city: 'mumbai' } }));
    expect(result.geo).toMatchObject({ country: 'IN', city: 'mumbai', accuracyKm: 50, source: 'event' });
    expect(result.geo?.lat).toBeCloseTo(19.07, 1);
    expect(result.geo?.timezone).toBe('Asia/Kolkata');
  });

  it('uses GeoIP when the event has only a country and GeoIP agrees', () => {
    const result = enricher.enrich(event({ ip: '49.36.0.1', location: { country: 'IN' } }));
    expect(result.geo).toMatchObject({ country: 'IN', city: 'Mumbai', source: 'geoip' });
  });

  it('keeps only the country when the event has only a country and GeoIP disagrees', () => {
    const result = enricher.enrich(event({ ip: '49.36.0.1', location: { country: 'BR' } }));
    expect(result.geo).toEqual({ country: 'BR', accuracyKm: 1000, source: 'event' });
  });

  it("uses the event's deviceId and deviceType", () => {
    const result = enricher.enrich(
      event({ deviceId: 'dev-1', deviceType: 'Desktop', userAgent: IPHONE_SAFARI }),
    );
    expect(result.device.key).toBe('id:dev-1');
    expect(result.device.type).toBe('desktop');
    expect(result.device.browser).toBe('Mobile Safari');
  });

  it('marks script clients as automated', () => {
    expect(enricher.enrich(event({ userAgent: 'python-requests/2.31.0' })).device).toMatchObject({
      type: 'bot',
      automated: true,
    });
  });

  it('returns the same answer from its cache as on first lookup', () => {
    const first = enricher.enrich(event({ ip: '81.2.69.142' }));
    const second = enricher.enrich(event({ ip: '81.2.69.142' }));
    expect(second).toEqual(first);
    expect(second.geo?.city).toBe('Bracknell');
  });

  it('reads an operator anonymizer list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enrich-'));
    const path = join(dir, 'tor.txt');
    writeFileSync(path, '# exits\n81.2.69.142\n');
    const withList = createEnricher({ geoIp, asnTable, anonymizerLists: [{ path, kind: 'tor' }] });
    expect(withList.enrich(event({ ip: '81.2.69.142' })).network).toMatchObject({
      type: 'anonymizing',
      anonymizer: 'tor',
    });
    expect(withList.enrich(event({ ip: '81.2.69.143' })).network.type).not.toBe('anonymizing');
  });
});
