import type { ParsedUserAgent } from './user-agent.js';

/**
 * The "same device" key. The app's own device id wins (`id:<deviceId>`). Without one, the key is
 * `ua:` + a digest of browser family, OS family and device type, and deliberately not of any
 * version: a browser or OS update is not a new device, and should not raise NEW_DEVICE. Two
 * identical phones of one user share a key; that is the price of having no device id.
 *
 * @example
 * deviceKey(undefined, { browser: 'Chrome', os: 'Windows', type: 'desktop' }) // 'ua:5f1c0e2a' (stable)
 * deviceKey('abc-123', anything) // 'id:abc-123'
 */
export function deviceKey(
  deviceId: string | undefined,
  parsed: Pick<ParsedUserAgent, 'browser' | 'os' | 'type'>,
): string {
  const id = deviceId?.trim();
  if (id !== undefined && id.length > 0) return `id:${id}`;
  return `ua:${fnv1a32(`${parsed.browser ?? ''}|${parsed.os ?? ''}|${parsed.type}`)}`;
}

/**
 * FNV-1a, 32 bits, as 8 hex digits. Not cryptographic on purpose: the input is not secret and a
 * collision only merges two devices of one user; it is stable across processes and versions
 * (unlike a seeded hash) and costs far less than setting up a node:crypto hash per event.
 */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
