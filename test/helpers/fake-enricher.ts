import type { Enricher } from '../../src/enrich/enricher.js';
import type { Enrichment, NetworkInfo } from '../../src/enrich/enrichment.js';
import type { LoginEvent } from '../../src/event/login-event.js';

/** A place a test IP stands for. */
export interface FakePlace {
  country: string;
  city: string;
  lat: number;
  lon: number;
  timezone: string;
  network: NetworkInfo;
  accuracyKm?: number;
}

export const PLACES = {
  delhiHome: {
    country: 'IN',
    city: 'New Delhi',
    lat: 28.61,
    lon: 77.21,
    timezone: 'Asia/Kolkata',
    network: { asn: 24560, org: 'Bharti Airtel', type: 'residential' },
  },
  delhiCafe: {
    country: 'IN',
    city: 'New Delhi',
    lat: 28.63,
    lon: 77.22,
    timezone: 'Asia/Kolkata',
    network: { asn: 17488, org: 'Hathway', type: 'residential' },
  },
  delhiMobile: {
    country: 'IN',
    city: 'New Delhi',
    lat: 28.6,
    lon: 77.2,
    timezone: 'Asia/Kolkata',
    network: { asn: 55836, org: 'Reliance Jio', type: 'mobile' },
  },
  gurgaon: {
    country: 'IN',
    city: 'Gurgaon',
    lat: 28.46,
    lon: 77.03,
    timezone: 'Asia/Kolkata',
    network: { asn: 24560, org: 'Bharti Airtel', type: 'residential' },
  },
  mumbai: {
    country: 'IN',
    city: 'Mumbai',
    lat: 19.07,
    lon: 72.88,
    timezone: 'Asia/Kolkata',
    network: { asn: 24560, org: 'Bharti Airtel', type: 'residential' },
  },
  chicago: {
    country: 'US',
    city: 'Chicago',
    lat: 41.88,
    lon: -87.63,
    timezone: 'America/Chicago',
    network: { asn: 7922, org: 'Comcast', type: 'residential' },
  },
  london: {
    country: 'GB',
    city: 'London',
    lat: 51.51,
    lon: -0.13,
    timezone: 'Europe/London',
    network: { asn: 2856, org: 'British Telecommunications', type: 'residential' },
  },
  vpnFrankfurt: {
    country: 'DE',
    city: 'Frankfurt am Main',
    lat: 50.11,
    lon: 8.68,
    timezone: 'Europe/Berlin',
    network: { asn: 9009, org: 'M247 Europe', type: 'anonymizing', anonymizer: 'vpn' },
  },
  torBerlin: {
    country: 'DE',
    city: 'Berlin',
    lat: 52.52,
    lon: 13.4,
    timezone: 'Europe/Berlin',
    network: { asn: 60729, org: 'Zwiebelfreunde', type: 'anonymizing', anonymizer: 'tor' },
  },
  awsVirginia: {
    country: 'US',
    city: 'Ashburn',
    lat: 39.04,
    lon: -77.49,
    timezone: 'America/New_York',
    network: { asn: 14618, org: 'Amazon.com', type: 'hosting' },
  },
} satisfies Record<string, FakePlace>;

/** IP → place table: tests name IPs like `10.0.0.x` but pin them to real-looking places. */
export class FakeEnricher implements Enricher {
  private readonly byIp = new Map<string, FakePlace>();

  at(ip: string, place: FakePlace): this {
    this.byIp.set(ip, place);
    return this;
  }

  enrich(event: LoginEvent): Enrichment {
    const place = this.byIp.get(event.ip);
    const ua = event.userAgent ?? '';
    const automated = /python|curl|headless/i.test(ua);
    const mobile = /iphone|android/i.test(ua);
    const device = {
      browser: automated ? 'python-requests' : mobile ? 'Mobile Safari' : 'Chrome',
      os: mobile ? 'iOS' : 'Windows',
      type: automated ? 'bot' : mobile ? 'mobile' : 'desktop',
      automated,
      key: event.deviceId ? `id:${event.deviceId}` : `ua:${ua}`,
    };
    if (!place) return { network: { type: 'unknown' }, device };
    return {
      geo: {
        country: place.country,
        city: place.city,
        lat: place.lat,
        lon: place.lon,
        timezone: place.timezone,
        accuracyKm: place.accuracyKm ?? 25,
        source: 'geoip',
      },
      network: place.network,
      device,
    };
  }
}
