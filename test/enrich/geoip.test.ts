import { describe, expect, it } from 'vitest';
import { GEOIP_COUNTRY_ACCURACY_KM, openGeoIp, toGeoLocation } from '../../src/enrich/geoip.js';

const geo = openGeoIp();

describe('openGeoIp with the bundled GeoLite2 City files', () => {
  it('locates 8.8.8.8 in the US at country level only', () => {
    const loc = geo.lookup('8.8.8.8');
    expect(loc?.country).toBe('US');
    expect(loc?.city).toBeUndefined();
    expect(loc?.accuracyKm).toBe(GEOIP_COUNTRY_ACCURACY_KM);
    expect(loc?.source).toBe('geoip');
  });

  it('locates a Reliance Jio address in Mumbai with a city-level radius and its time zone', () => {
    const loc = geo.lookup('49.36.0.1');
    expect(loc).toMatchObject({
      country: 'IN',
      city: 'Mumbai',
      region: 'Maharashtra',
      timezone: 'Asia/Kolkata',
    });
    expect(loc?.accuracyKm).toBe(25);
    expect(loc?.lat).toBeCloseTo(19.07, 1);
    expect(loc?.lon).toBeCloseTo(72.89, 1);
  });

  it('answers IPv6 from the IPv6 file', () => {
    expect(geo.lookup('2001:4860:4860::8888')?.country).toBe('US');
  });

  it('answers an IPv4-mapped address like the IPv4 address', () => {
    expect(geo.lookup('::ffff:49.36.0.1')).toEqual(geo.lookup('49.36.0.1'));
  });

  it.each(['10.0.0.1', '127.0.0.1', '100.64.0.1', '::1', 'fe80::1', 'not an ip'])(
    'has no location for %s',
    (ip) => {
      expect(geo.lookup(ip)).toBeUndefined();
    },
  );

  it('reports which files it opened', () => {
    expect(geo.databases.map((d) => d.serves)).toEqual(['ipv4', 'ipv6']);
    expect(geo.databases[0]?.path).toMatch(/geolite2-city-ipv4\.mmdb$/);
  });

  it('lets one IPv6 database (the MaxMind layout) serve both versions', () => {
    const v6Path = geo.databases[1]?.path ?? '';
    const single = openGeoIp({ cityDbV6: v6Path });
    expect(single.databases).toEqual([expect.objectContaining({ path: v6Path, serves: 'both' })]);
    expect(single.lookup('2001:4860:4860::8888')?.country).toBe('US');
  });

  it('refuses an IPv4-only file for IPv6', () => {
    const v4Path = geo.databases[0]?.path ?? '';
    expect(() => openGeoIp({ cityDbV6: v4Path })).toThrow(/IPv4-only/);
  });

  it('names the file when it cannot be opened', () => {
    expect(() =>
      openGeoIp({ cityDbV4: '/nonexistent/city.mmdb', cityDbV6: '/nonexistent/city6.mmdb' }),
    ).toThrow(/\/nonexistent\/city\.mmdb/);
  });
});

describe('toGeoLocation with MaxMind GeoIP2/GeoLite2-City records', () => {
  it('reads country, subdivision, city and the database accuracy radius', () => {
    const loc = toGeoLocation({
      country: { iso_code: 'DE', names: { en: 'Germany' } },
      registered_country: { iso_code: 'NL' },
      subdivisions: [{ iso_code: 'BE', names: { en: 'Land Berlin' } }],
      city: { names: { en: 'Berlin' } },
      location: { latitude: 52.5244, longitude: 13.4105, accuracy_radius: 20, time_zone: 'Europe/Berlin' },
    });
    expect(loc).toEqual({
      country: 'DE',
      region: 'Land Berlin',
      city: 'Berlin',
      lat: 52.5244,
      lon: 13.4105,
      timezone: 'Europe/Berlin',
      accuracyKm: 20,
      source: 'geoip',
    });
  });

  it('derives the time zone from coordinates when the record has none', () => {
    const loc = toGeoLocation({
      country: { iso_code: 'JP' },
      location: { latitude: 35.69, longitude: 139.69 },
    });
    expect(loc?.timezone).toBe('Asia/Tokyo');
    expect(loc?.accuracyKm).toBe(GEOIP_COUNTRY_ACCURACY_KM);
  });

  it('ignores a record with only a registered country (not where the user is)', () => {
    expect(
      toGeoLocation({ registered_country: { iso_code: 'US' }, location: { latitude: 1, longitude: 1 } }),
    ).toBe(undefined);
  });
});
