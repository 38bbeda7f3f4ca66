import type { DeviceInfo, Enrichment } from '../enrich/enrichment.js';
import type { LoginEvent } from '../event/login-event.js';

/** What the baseline and the detectors read of one login: the event and its enrichment, keyed. */
export interface LoginObservation {
  t: number;
  success: boolean;
  deviceKey: string;
  device: DeviceInfo;
  country?: string;
  cityKey?: string;
  lat?: number;
  lon?: number;
  accuracyKm: number;
  networkKey: string;
  networkType: string;
  /** Location is not where the person is (VPN, Tor, hosting) or is too coarse for travel maths. */
  locationUnreliable: boolean;
  timezone?: string;
  sessionDurationSec?: number;
}

export function observe(event: LoginEvent, enrichment: Enrichment): LoginObservation {
  const { geo, network, device } = enrichment;
  const unreliable =
    network.type === 'anonymizing' || network.type === 'hosting' || !geo || (geo.accuracyKm ?? 0) >= 500;
  return {
    t: event.timestampMs,
    success: event.success,
    deviceKey: device.key,
    device,
    country: geo?.country,
    cityKey: geo?.city ? `${geo.country}/${geo.city}` : undefined,
    lat: geo?.lat,
    lon: geo?.lon,
    accuracyKm: geo?.accuracyKm ?? 1000,
    networkKey: network.asn !== undefined ? `AS${network.asn}` : `net:${network.type}`,
    networkType: network.type,
    locationUnreliable: unreliable,
    timezone: geo?.timezone,
    sessionDurationSec: event.sessionDurationSec,
  };
}

/** How a device is shown to people: "Chrome / Windows / desktop". */
export function describeDevice(device: DeviceInfo): string {
  return [device.browser, device.os, device.type].filter(Boolean).join(' / ') || 'unknown device';
}
