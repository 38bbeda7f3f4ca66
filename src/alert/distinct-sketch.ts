import { createHash } from 'node:crypto';

/**
 * How many distinct strings were added, in a fixed 256 characters: a HyperLogLog (Flajolet,
 * Fusy, Gandouet, Meunier 2007) of 256 registers, with its linear-counting estimate for small
 * counts, so that a few hundred values are counted almost exactly and millions within about ±6.5%
 * (1.04/√256). An incident keeps one for its accounts and one for its addresses beyond the 50 it
 * lists: its state is stored with every alerting batch, so it must stay small whatever the attack's
 * size, and a set of every account in a spray would not.
 *
 * Written here rather than taken from a library: the JavaScript ones either pull a native hash
 * module or warn that their serialised form changes between versions, and a stored incident must
 * read back the same after an upgrade. The format is ours: one base-32 digit per register.
 */
export type DistinctSketch = string;

const REGISTERS = 256;
const INDEX_BITS = 8;
const DIGITS = '0123456789abcdefghijklmnopqrstuv';
/** An empty sketch: every register 0. */
export const EMPTY_SKETCH: DistinctSketch = '0'.repeat(REGISTERS);

/** The sketch with `value` added (a new string; the argument is not changed). */
export function addToSketch(sketch: DistinctSketch | undefined, value: string): DistinctSketch {
  const current = sketch !== undefined && sketch.length === REGISTERS ? sketch : EMPTY_SKETCH;
  // 32 well-mixed bits; MD5 is used as a mixing function only, not for security.
  const hash = createHash('md5').update(value).digest().readUInt32BE(0);
  const index = hash >>> (32 - INDEX_BITS);
  const rest = (hash << INDEX_BITS) >>> 0;
  // Position of the first 1 bit in the 24 remaining bits, 1-based; 25 when they are all 0.
  const rank = rest === 0 ? 32 - INDEX_BITS + 1 : Math.clz32(rest) + 1;
  if (rank <= register(current, index)) return current;
  return current.slice(0, index) + (DIGITS[rank] as string) + current.slice(index + 1);
}

/** The estimated number of distinct values added (0 for an empty or missing sketch). */
export function estimateDistinct(sketch: DistinctSketch | undefined): number {
  if (sketch === undefined || sketch.length !== REGISTERS) return 0;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < REGISTERS; i++) {
    const r = register(sketch, i);
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / REGISTERS);
  const raw = (alpha * REGISTERS * REGISTERS) / sum;
  // Small range: linear counting over the empty registers is the better estimate.
  if (raw <= 2.5 * REGISTERS && zeros > 0) return Math.round(REGISTERS * Math.log(REGISTERS / zeros));
  return Math.round(raw);
}

function register(sketch: DistinctSketch, index: number): number {
  return Number.parseInt(sketch[index] as string, 32);
}
