import { greatCircleKm } from '../detect/great-circle.js';
import { cumulate, type Rng } from '../util/random.js';
import type { IpPool, PoolBlock, PoolCity } from './ip-pool.js';

/**
 * Where simulated employees live: roughly the user base of a global business SaaS, weighted
 * towards the large English-speaking and European markets, India and Brazil. Weights are
 * relative; a country missing from the pool is skipped.
 */
const HOME_COUNTRY_WEIGHTS: Readonly<Record<string, number>> = {
  US: 28,
  IN: 9,
  GB: 6,
  DE: 5.5,
  FR: 4.5,
  BR: 4.5,
  JP: 4,
  CA: 3.5,
  AU: 2.5,
  ES: 2.5,
  IT: 2.5,
  MX: 2.2,
  NL: 1.8,
  PL: 1.5,
  SG: 1.2,
  KR: 1.2,
  SE: 1,
  CH: 1,
  PH: 1,
  BE: 0.8,
  IE: 0.8,
  ZA: 0.8,
  AR: 0.8,
  ID: 0.8,
  AE: 0.7,
  CO: 0.7,
  TR: 0.7,
  IL: 0.6,
  PT: 0.6,
  AT: 0.6,
  HK: 0.6,
  TW: 0.6,
  DK: 0.5,
  NO: 0.5,
  CL: 0.5,
  MY: 0.5,
  RO: 0.5,
  CZ: 0.5,
  FI: 0.4,
  NZ: 0.4,
  TH: 0.4,
  VN: 0.4,
  NG: 0.4,
  UA: 0.4,
  EG: 0.3,
  KE: 0.3,
  HU: 0.3,
  GR: 0.3,
};

/**
 * Where attackers' infrastructure sits: bulletproof hosting, residential-proxy exits and the
 * origins credential attacks are usually traced to (plus the big markets, whose proxies blend in).
 */
const ATTACK_COUNTRY_WEIGHTS: Readonly<Record<string, number>> = {
  US: 10,
  RU: 8,
  CN: 8,
  BR: 5,
  IN: 5,
  VN: 5,
  NG: 4,
  ID: 4,
  TR: 3,
  UA: 3,
  DE: 3,
  NL: 3,
  RO: 2,
  FR: 2,
  GB: 2,
  KR: 2,
  PK: 2,
  BD: 2,
  TH: 2,
  PH: 2,
  IR: 1,
  EG: 1,
  MA: 1,
  KZ: 1,
  BY: 1,
  AR: 1,
  MX: 1,
  CO: 1,
};

/**
 * Towns whose "residential" address space is really data centres (GeoIP puts whole hosting
 * campuses there): nobody is simulated as living in them, though attackers may come from them.
 */
const DATA_CENTRE_TOWNS: ReadonlySet<string> = new Set([
  'Ashburn',
  'Santa Clara',
  'Secaucus',
  'Boardman',
  'Council Bluffs',
  'The Dalles',
  'Quincy',
  'Piscataway',
  'Kista',
  'Noisiel',
  'Aubervilliers',
  'Slough',
  'Canary Wharf',
  'City of London',
  'Schiphol',
  'Halfweg',
  'Glattbrugg',
  'Isando',
  'Masdar City',
  'Silicon Oasis',
  'Jebel Ali Village',
  'Velizy-Villacoublay',
]);

/** Share of phones that are iPhones, by country (the rest Android); default for others. */
const IPHONE_SHARE: Readonly<Record<string, number>> = {
  US: 0.57,
  CA: 0.58,
  GB: 0.5,
  AU: 0.55,
  JP: 0.65,
  NZ: 0.5,
  DK: 0.55,
  NO: 0.6,
  SE: 0.55,
  CH: 0.55,
  DE: 0.38,
  FR: 0.35,
  NL: 0.45,
  IE: 0.45,
  AE: 0.45,
  SG: 0.45,
  HK: 0.5,
  KR: 0.3,
  IN: 0.05,
  BR: 0.18,
  MX: 0.2,
};

/** Fewest residential blocks for a home city: the ISP address can then change, cafés differ. */
const MIN_HOME_BLOCKS = 3;

/**
 * The cities a simulation places people in, with draw weights: per country its most connected
 * cities (by residential blocks found, the pool's proxy for population), more of them for big
 * countries, each weighted sub-linearly so capitals do not swallow everyone.
 *
 * @example
 * const atlas = new Atlas(pool);
 * atlas.homeCity(rng); // e.g. Chicago, Mumbai, Paris … more often than Adelaide
 */
export class Atlas {
  readonly homeCities: readonly PoolCity[];
  readonly attackCities: readonly PoolCity[];
  private readonly homeCumulative: Float64Array;
  private readonly attackCumulative: Float64Array;
  private readonly homeByCountry = new Map<string, { cities: PoolCity[]; cumulative: Float64Array }>();
  private readonly mobileNearCache = new Map<number, PoolBlock[]>();

  constructor(readonly pool: IpPool) {
    const home = weightedCities(pool, HOME_COUNTRY_WEIGHTS, true);
    this.homeCities = home.cities;
    this.homeCumulative = cumulate(home.weights);
    const attack = weightedCities(pool, ATTACK_COUNTRY_WEIGHTS, false);
    this.attackCities = attack.cities;
    this.attackCumulative = cumulate(attack.weights);
    const perCountry = new Map<string, { cities: PoolCity[]; weights: number[] }>();
    home.cities.forEach((city, i) => {
      let entry = perCountry.get(city.country);
      if (entry === undefined) {
        entry = { cities: [], weights: [] };
        perCountry.set(city.country, entry);
      }
      entry.cities.push(city);
      entry.weights.push(home.weights[i] ?? 0);
    });
    for (const [code, entry] of perCountry) {
      this.homeByCountry.set(code, { cities: entry.cities, cumulative: cumulate(entry.weights) });
    }
    if (this.homeCities.length === 0) throw new Error('the IP pool has no city with residential networks');
  }

  /** A city to live in, drawn by population weight. */
  homeCity(rng: Rng): PoolCity {
    return this.homeCities[rng.pickIndexCumulative(this.homeCumulative)] as PoolCity;
  }

  /** A home city in the given country (falls back to anywhere when the country has none). */
  homeCityIn(rng: Rng, country: string): PoolCity {
    const entry = this.homeByCountry.get(country);
    if (entry === undefined) return this.homeCity(rng);
    return entry.cities[rng.pickIndexCumulative(entry.cumulative)] as PoolCity;
  }

  /** Where attack infrastructure is, drawn by how often attacks come from there. */
  attackCity(rng: Rng): PoolCity {
    return this.attackCities[rng.pickIndexCumulative(this.attackCumulative)] as PoolCity;
  }

  /**
   * A destination for a trip from `from`: another city at least `minKm` away, domestic with
   * probability `domestic` when the country is big enough to fly within.
   */
  destination(rng: Rng, from: PoolCity, minKm: number, domestic: number): PoolCity {
    const wantDomestic = rng.chance(domestic);
    for (let attempt = 0; attempt < 40; attempt++) {
      const city = wantDomestic && attempt < 20 ? this.homeCityIn(rng, from.country) : this.homeCity(rng);
      if (city.id !== from.id && distanceKm(city, from) >= minKm) return city;
    }
    // Practically unreachable (the home list spans continents); keeps the draw total.
    return this.homeCities.reduce((far, c) => (distanceKm(c, from) > distanceKm(far, from) ? c : far), from);
  }

  /** An attack city at least `minKm` from a point (for impossible travel); the farthest tried otherwise. */
  attackCityAway(rng: Rng, lat: number, lon: number, minKm: number): PoolCity {
    let best = this.attackCity(rng);
    for (let attempt = 0; attempt < 40; attempt++) {
      const city = attempt === 0 ? best : this.attackCity(rng);
      const km = greatCircleKm(lat, lon, city.lat, city.lon);
      if (km >= minKm) return city;
      if (km > greatCircleKm(lat, lon, best.lat, best.lon)) best = city;
    }
    return best;
  }

  /**
   * Mobile-carrier blocks for a phone around `city`: those GeoIP places within `maxKm` in the same
   * country, else the ones of the nearest city that has any (GeoIP puts carrier addresses at a
   * few gateway cities). Empty when the country has no mobile ranges in the pool.
   */
  mobileBlocksNear(city: PoolCity, maxKm: number): PoolBlock[] {
    const cached = this.mobileNearCache.get(city.id);
    if (cached !== undefined) return cached;
    const country = this.pool.countries.get(city.country);
    let blocks: PoolBlock[] = [];
    if (country !== undefined && country.mobile.length > 0) {
      blocks = country.mobile.filter((b) => distanceKm(b.city, city) <= maxKm);
      if (blocks.length === 0) {
        let nearest = country.mobile[0] as PoolBlock;
        for (const b of country.mobile)
          if (distanceKm(b.city, city) < distanceKm(nearest.city, city)) nearest = b;
        blocks = country.mobile.filter((b) => b.city.id === nearest.city.id);
      }
    }
    this.mobileNearCache.set(city.id, blocks);
    return blocks;
  }

  /** Share of phones in a country that are iPhones. */
  iphoneShare(country: string): number {
    return IPHONE_SHARE[country] ?? 0.28;
  }
}

/** Great-circle distance between two pool cities, km. */
export function distanceKm(a: PoolCity, b: PoolCity): number {
  return greatCircleKm(a.lat, a.lon, b.lat, b.lon);
}

function weightedCities(
  pool: IpPool,
  countryWeights: Readonly<Record<string, number>>,
  forHomes: boolean,
): { cities: PoolCity[]; weights: number[] } {
  const cities: PoolCity[] = [];
  const weights: number[] = [];
  // Sorted country codes: the weights object's key order must not decide the draw order.
  for (const code of Object.keys(countryWeights).sort()) {
    const country = pool.countries.get(code);
    const countryWeight = countryWeights[code] ?? 0;
    if (country === undefined || countryWeight <= 0) continue;
    const candidates = country.cities.filter(
      (c) =>
        c.residential.length >= (forHomes ? MIN_HOME_BLOCKS : 1) &&
        !(forHomes && DATA_CENTRE_TOWNS.has(c.name)),
    );
    const top = candidates.slice(0, Math.max(3, Math.min(30, Math.round(countryWeight * 2))));
    const raw = top.map((c) => c.residential.length ** 0.7);
    const sum = raw.reduce((a, b) => a + b, 0);
    if (sum === 0) continue;
    top.forEach((city, i) => {
      cities.push(city);
      weights.push((countryWeight * (raw[i] ?? 0)) / sum);
    });
  }
  return { cities, weights };
}
