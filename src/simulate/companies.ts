import type { Rng } from '../util/random.js';
import type { Atlas } from './cities.js';
import type { IpPool, PickedIp, PoolCity } from './ip-pool.js';

/**
 * A customer company (the dataset's `tenant`): one office in one city, behind one NAT address
 * that every colleague in the office logs in from, which is the "many colleagues behind one
 * office IP" look-alike that a naive per-IP counter mistakes for an attack.
 */
export interface Company {
  index: number;
  /** `acme-3`: also the email domain `acme-3.example`. */
  tenant: string;
  domain: string;
  size: number;
  office: PoolCity;
  officeIp: PickedIp;
  /**
   * The corporate VPN's egress: one address in a cloud/hosting block of the office's country
   * (a concentrator in a data centre), shared by every employee who connects through it.
   */
  vpnIp: PickedIp;
}

const NAMES = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'vandelay',
  'stark',
  'wayne',
  'wonka',
  'soylent',
  'cyberdyne',
  'tyrell',
  'aperture',
  'oscorp',
  'monarch',
  'dunder',
  'piedpiper',
  'massive',
  'gekko',
  'nakatomi',
  'prestige',
  'sterling',
  'wernham',
  'bluth',
];

/** Smallest and largest company, in users. Sizes are log-uniform: many small firms, a few big ones. */
export const MIN_COMPANY_SIZE = 5;
export const MAX_COMPANY_SIZE = 200;

/**
 * Splits `userCount` users into companies of 5–200 (fewer than 5 users make one company), each
 * with an office city drawn like home cities and one office address in a residential/business
 * block there.
 */
export function createCompanies(rng: Rng, userCount: number, atlas: Atlas, pool: IpPool): Company[] {
  const sizes: number[] = [];
  let left = userCount;
  while (left > 0) {
    const size = Math.round(MIN_COMPANY_SIZE * (MAX_COMPANY_SIZE / MIN_COMPANY_SIZE) ** rng.float());
    if (left - size < MIN_COMPANY_SIZE) {
      sizes.push(left);
      left = 0;
    } else {
      sizes.push(size);
      left -= size;
    }
  }
  const taken = new Set<string>();
  return sizes.map((size, index) => {
    const tenant = `${NAMES[index % NAMES.length]}-${index + 1}`;
    const office = atlas.homeCity(rng);
    // Two companies behind one address would blur "colleagues share an office IP"; redraw.
    let officeIp = pool.pick(rng, rng.pick(office.residential));
    for (let i = 0; i < 20 && taken.has(officeIp.ip); i++)
      officeIp = pool.pick(rng, rng.pick(office.residential));
    taken.add(officeIp.ip);
    const hosting = pool.countries.get(office.country)?.hosting ?? [];
    const vpnIp = pool.pick(rng, rng.pick(hosting.length > 0 ? hosting : pool.hosting));
    return { index, tenant, domain: `${tenant}.example`, size, office, officeIp, vpnIp };
  });
}
