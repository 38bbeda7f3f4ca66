import { beforeAll, describe, expect, it } from 'vitest';
import { loadAsnTable } from '../../src/enrich/asn-table.js';
import { openGeoIp } from '../../src/enrich/geoip.js';
import { classifyNetwork } from '../../src/enrich/network-type.js';
import { Atlas } from '../../src/simulate/cities.js';
import { buildIpPool, type IpPool } from '../../src/simulate/ip-pool.js';
import { Rng } from '../../src/util/random.js';

const geoIp = openGeoIp();
const asnTable = loadAsnTable();
let pool: IpPool;

beforeAll(() => {
  pool = buildIpPool({ geoIp, asnTable });
});

describe('buildIpPool', () => {
  it('finds residential, mobile, hosting and VPN blocks in thousands of cities', () => {
    expect(pool.stats.cities).toBeGreaterThan(1000);
    expect(pool.stats.blocks.residential).toBeGreaterThan(5000);
    expect(pool.stats.blocks.mobile).toBeGreaterThan(100);
    expect(pool.stats.blocks.hosting).toBeGreaterThan(1000);
    expect(pool.stats.blocks.vpn).toBeGreaterThan(100);
    for (const code of ['US', 'IN', 'GB', 'DE', 'FR', 'BR', 'JP']) {
      expect(pool.countries.get(code)?.cities.length ?? 0, code).toBeGreaterThan(5);
    }
  });

  it('is deterministic: the same blocks in the same order', () => {
    const again = buildIpPool({ geoIp, asnTable });
    expect(again.cities.map((c) => c.key)).toEqual(pool.cities.map((c) => c.key));
    expect(again.hosting.map((b) => b.start)).toEqual(pool.hosting.map((b) => b.start));
  });

  it('hands out addresses that GeoIP places in the block’s city, on the block’s kind of network', () => {
    const rng = Rng.fromSeed(3);
    const kinds = {
      residential: 'residential',
      mobile: 'mobile',
      hosting: 'hosting',
      vpn: 'anonymizing',
      tor: 'anonymizing',
    };
    const blocks = [
      ...rng.sample(
        pool.cities.flatMap((c) => c.residential),
        300,
      ),
      ...rng.sample(pool.countries.get('US')?.mobile ?? [], 50),
      ...rng.sample(pool.hosting, 100),
      ...rng.sample(pool.vpn, 100),
      ...pool.tor,
    ];
    for (const block of blocks) {
      const picked = pool.pick(rng, block);
      const geo = geoIp.lookup(picked.ip);
      expect(geo?.city, picked.ip).toBe(block.city.name);
      expect(geo?.country, picked.ip).toBe(block.city.country);
      expect(picked.location.city).toBe(block.city.name);
      expect(classifyNetwork(asnTable.lookup(picked.ip), picked.ip).type, picked.ip).toBe(
        kinds[block.network],
      );
      expect(pool.blockOf(picked.ip)).toBe(block);
    }
  });
});

describe('Atlas', () => {
  it('draws home cities from the big markets, never from data-centre towns', () => {
    const atlas = new Atlas(pool);
    const rng = Rng.fromSeed(1);
    const countries = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const city = atlas.homeCity(rng);
      expect(['Ashburn', 'Santa Clara', 'Slough']).not.toContain(city.name);
      expect(city.residential.length).toBeGreaterThanOrEqual(3);
      countries.set(city.country, (countries.get(city.country) ?? 0) + 1);
    }
    const us = countries.get('US') ?? 0;
    expect(us / 5000).toBeGreaterThan(0.2);
    expect(us / 5000).toBeLessThan(0.4);
    expect(countries.get('IN') ?? 0).toBeGreaterThan(200);
    expect(countries.size).toBeGreaterThan(30);
  });
});
