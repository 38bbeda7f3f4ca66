/**
 * What enrichment adds to an event: where it came from, through which network, on which device.
 * Produced by `enrich/enricher.ts`; read by the profile, the detectors and the features.
 */

/** How an address reaches the internet, as far as its ASN and lists tell. Documented in docs/enrichment.md. */
export type NetworkType = 'residential' | 'mobile' | 'hosting' | 'anonymizing' | 'private' | 'unknown';

/** For `anonymizing` networks: what kind of anonymizer, when known. */
export type AnonymizerKind = 'tor' | 'vpn' | 'proxy';

export interface GeoLocation {
  country: string;
  region?: string;
  city?: string;
  lat?: number;
  lon?: number;
  /** IANA time zone, e.g. `Asia/Kolkata`. */
  timezone?: string;
  /** Radius in km within which the true location lies, as far as the source tells. */
  accuracyKm: number;
  /** Where the location came from: the event itself or the GeoIP database. */
  source: 'event' | 'geoip';
}

export interface NetworkInfo {
  asn?: number;
  org?: string;
  type: NetworkType;
  anonymizer?: AnonymizerKind;
}

export interface DeviceInfo {
  browser?: string;
  browserVersion?: string;
  os?: string;
  /** `mobile`, `tablet`, `desktop`, `bot` or `unknown`. */
  type: string;
  /** The user agent is a script or headless browser rather than a person's browser. */
  automated: boolean;
  /** Stable key for "same device": the event's deviceId, else a digest of browser family, OS and type. */
  key: string;
}

export interface Enrichment {
  geo?: GeoLocation;
  network: NetworkInfo;
  device: DeviceInfo;
}
