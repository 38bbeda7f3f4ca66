/**
 * Curated autonomous systems whose traffic says something about the person behind it, checked
 * against the bundled `@ip-location-db/asn` table (the org name in each comment is the table's,
 * which may differ from the brand). Inclusion rule: the AS carries (almost) only that kind of
 * traffic. Mixed operators (a telco with both DSL and mobile, a host whose customers include
 * VPNs) stay out; the org-name keywords in `network-type.ts` and the operator's own lists catch
 * the rest. Used by `classifyNetwork` and by the data generator to draw realistic addresses.
 */

/** Operators of Tor exit relays: an AS that exists to run exits. */
export const KNOWN_TOR_ASNS: ReadonlyMap<number, string> = new Map([
  [208323, 'Foundation for Applied Privacy'], // CSV: Foundation for Applied Privacy (Vienna exits)
  [60729, 'torservers.net'], // CSV: Stiftung Erneuerbare Freiheit (successor of Zwiebelfreunde e.V.)
  [396507, 'Emerald Onion'], // CSV: Emerald Onion
  [4224, 'Calyx Institute'], // CSV: The Calyx Institute
  [205100, 'F3 Netze'], // CSV: F3 Netze e.V.
  [62744, 'Quintex Alliance Consulting'], // CSV: Quintex Alliance Consulting (large Tor exit operator)
  [210558, '1337 Services'], // CSV: 1337 Services GmbH (Tor exit hosting, "RDP.sh")
  [54990, '1337 Services'], // CSV: 1337 Services LLC
]);

/** Commercial VPNs and anonymising proxies: the AS is the VPN provider or its dedicated egress. */
export const KNOWN_VPN_ASNS: ReadonlyMap<number, string> = new Map([
  [9009, 'M247'], // CSV: M247 Europe SRL (its address space is rented mostly to VPN providers)
  [60068, 'Datacamp / CDN77'], // CSV: Datacamp Limited (egress of several large VPNs)
  [212238, 'Datacamp / CDN77'], // CSV: Datacamp Limited
  [136787, 'NordVPN (PacketHub)'], // CSV: PacketHub S.A.
  [147049, 'NordVPN (PacketHub)'], // CSV: PacketHub S.A.
  [39351, 'Mullvad (31173 Services)'], // CSV: 31173 Services AB
  [216025, 'Mullvad'], // CSV: Mullvad VPN AB
  [203619, 'IVPN'], // CSV: IVPN Limited
  [209103, 'Proton VPN'], // CSV: Proton AG
  [208172, 'Proton VPN'], // CSV: Proton AG
  [199218, 'Proton VPN'], // CSV: Proton AG
  [201665, 'Anonymizer'], // CSV: Anonymizer, LLC
  [62240, 'Clouvider'], // CSV: Clouvider Limited (London/NY hosting that many VPN brands exit from)
]);

/** Mobile carriers whose AS carries (almost) only cellular subscribers. */
export const KNOWN_MOBILE_ASNS: ReadonlyMap<number, string> = new Map([
  [21928, 'T-Mobile US'], // CSV: T-Mobile USA, Inc.
  [22394, 'Verizon Wireless'], // CSV: Verizon Business (Cellco Partnership's cellular AS)
  [6167, 'Verizon Wireless'], // CSV: Verizon Business (Cellco Partnership)
  [20057, 'AT&T Mobility'], // CSV: AT&T Enterprises, LLC (AT&T Mobility's cellular AS)
  [55836, 'Reliance Jio'], // CSV: Reliance Jio Infocomm Limited
  [45609, 'Bharti Airtel mobile'], // CSV: Bharti Airtel Limited (GPRS/LTE AS; 24560 is broadband)
  [45271, 'Vodafone Idea'], // CSV: Vodafone Idea Ltd. (VIL) (ex Idea Cellular)
  [38266, 'Vodafone Idea'], // CSV: Vodafone Idea Ltd. (VIL) (ex Vodafone India)
  [25135, 'Vodafone UK mobile'], // CSV: Vodafone Limited
  [16135, 'Turkcell'], // CSV: TURKCELL ILETISIM HIZMETLERI A.S. (fixed line is Superonline, AS34984)
  [26615, 'TIM Brasil'], // CSV: TIM S/A
  [27831, 'Tigo Colombia'], // CSV: Colombia Movil
  [9605, 'NTT Docomo'], // CSV: NTT DOCOMO, INC.
  [23693, 'Telkomsel'], // CSV: PT. Telekomunikasi Selular
  [33771, 'Safaricom'], // CSV: Safaricom Limited
  [29465, 'MTN Nigeria'], // CSV: MTN NIGERIA Communication limited
]);

/** Cloud, hosting and CDN networks: a person's browser rarely sits here, a script often does. */
export const KNOWN_HOSTING_ASNS: ReadonlyMap<number, string> = new Map([
  [16509, 'Amazon AWS'], // CSV: Amazon.com, Inc.
  [14618, 'Amazon AWS'], // CSV: Amazon.com, Inc.
  [396982, 'Google Cloud'], // CSV: Google LLC
  [15169, 'Google'], // CSV: Google LLC (Google services and older Google Cloud ranges; no subscribers)
  [8075, 'Microsoft / Azure'], // CSV: Microsoft Corporation
  [14061, 'DigitalOcean'], // CSV: DigitalOcean, LLC
  [16276, 'OVHcloud'], // CSV: OVH SAS
  [24940, 'Hetzner'], // CSV: Hetzner Online GmbH
  [63949, 'Linode / Akamai'], // CSV: Akamai Technologies, Inc.
  [20473, 'Vultr'], // CSV: The Constant Company, LLC (formerly Choopa)
  [51167, 'Contabo'], // CSV: Contabo GmbH
  [60781, 'Leaseweb'], // CSV: LeaseWeb Netherlands B.V.
  [30633, 'Leaseweb USA'], // CSV: Leaseweb USA, Inc.
  [12876, 'Scaleway'], // CSV: Scaleway SAS
  [45102, 'Alibaba Cloud'], // CSV: Alibaba (US) Technology Co., Ltd.
  [31898, 'Oracle Cloud'], // CSV: Oracle Corporation
  [132203, 'Tencent Cloud'], // CSV: Shenzhen Tencent Computer Systems Company Limited
  [36351, 'IBM Cloud / SoftLayer'], // CSV: IBM Cloud
  [13335, 'Cloudflare'], // CSV: Cloudflare, Inc. (also WARP egress: see docs/enrichment.md)
  [8560, 'IONOS'], // CSV: IONOS SE
  [15395, 'Rackspace'], // CSV: Rackspace Ltd.
  [197540, 'netcup'], // CSV: netcup GmbH
  [53667, 'FranTech / BuyVM'], // CSV: FranTech Solutions
  [19318, 'Interserver'], // CSV: Interserver, Inc
  [29802, 'Hivelocity'], // CSV: HIVELOCITY, Inc.
  [8100, 'QuadraNet'], // CSV: QuadraNet Enterprises LLC
  [40676, 'Psychz'], // CSV: Psychz Networks
  [47583, 'Hostinger'], // CSV: Hostinger International Limited
  [200651, 'FlokiNET'], // CSV: FlokiNET ehf
  // Corporate security proxies (secure web gateways / zero-trust egress): a user behind one
  // appears at the provider's nearest point of presence, not where they are, like a VPN.
  [53813, 'Zscaler'], // CSV: ZSCALER, INC.
  [62044, 'Zscaler'], // CSV: Zscaler Switzerland GmbH
  [55256, 'Netskope'], // CSV: Netskope Inc
]);
