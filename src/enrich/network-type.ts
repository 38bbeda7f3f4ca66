import type { AnonymizerLists } from './anonymizer-lists.js';
import type { AsnRecord } from './asn-table.js';
import type { NetworkInfo } from './enrichment.js';
import { isPublicIp, type ParsedIp, parseIp } from './ip-address.js';
import { KNOWN_HOSTING_ASNS, KNOWN_MOBILE_ASNS, KNOWN_TOR_ASNS, KNOWN_VPN_ASNS } from './known-networks.js';

/**
 * Org-name words that mark a mobile carrier. `mobil` only at a word start, so that `T-Mobile`,
 * `Mobilink` and `Free Mobile` match; `Exxon Mobil` and `Cable & Wireless` (fixed-line brands
 * holding large blocks) are excluded by name.
 */
const MOBILE_ORG = /(?<!exxon )\bmobil|(?<!cable (?:&|and) )wireless|cellular|telefonica moviles/i;

/**
 * Org-name words that mark a hosting provider. There is deliberately no `vpn` word: real ISPs
 * are called that too (e.g. `VPN INFRAESTRUTURA DE REDES LTDA.`, a Brazilian access provider).
 */
const HOSTING_ORG = /hosting|cloud|data ?cent(?:er|re)|server|\bvps\b|colocation/i;

/**
 * Classifies the network an address belongs to. Rules, first match wins (docs/enrichment.md):
 * 1. private or reserved range → `private` (no ASN: nothing is announced there);
 * 2. the address is on an operator list → `anonymizing` with that list's kind;
 * 3. the ASN is a known Tor-exit operator or VPN provider → `anonymizing` (`tor` / `vpn`);
 * 4. the ASN is a known mobile carrier, or its org name says mobile → `mobile`;
 * 5. the ASN is a known cloud/hosting provider, or its org name says hosting → `hosting`;
 * 6. any other announced ASN → `residential` (ISPs, but also companies and universities);
 * 7. no ASN (or an unparseable address) → `unknown`.
 *
 * @example
 * classifyNetwork({ asn: 16509, org: 'Amazon.com, Inc.' }, '3.5.140.2') // { asn: 16509, org: 'Amazon.com, Inc.', type: 'hosting' }
 */
export function classifyNetwork(
  asn: AsnRecord | undefined,
  ip: ParsedIp | string,
  lists?: AnonymizerLists,
): NetworkInfo {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip;
  if (parsed !== undefined && !isPublicIp(parsed)) return { type: 'private' };
  const listed = parsed !== undefined ? lists?.match(parsed) : undefined;
  const base: NetworkInfo =
    asn === undefined ? { type: 'unknown' } : { asn: asn.asn, org: asn.org, type: 'unknown' };
  if (listed !== undefined) return { ...base, type: 'anonymizing', anonymizer: listed };
  if (asn === undefined) return base;
  if (KNOWN_TOR_ASNS.has(asn.asn)) return { ...base, type: 'anonymizing', anonymizer: 'tor' };
  if (KNOWN_VPN_ASNS.has(asn.asn)) return { ...base, type: 'anonymizing', anonymizer: 'vpn' };
  if (KNOWN_MOBILE_ASNS.has(asn.asn) || MOBILE_ORG.test(asn.org)) return { ...base, type: 'mobile' };
  if (KNOWN_HOSTING_ASNS.has(asn.asn) || HOSTING_ORG.test(asn.org)) return { ...base, type: 'hosting' };
  return { ...base, type: 'residential' };
}
