import { endianness } from 'node:os';

/**
 * The envelope every saved model shares: what kind of model it is (`tag`), which layout of that
 * kind (`version`), and the names of the features it reads, in column order, followed by the
 * model's own fields. Loading checks the envelope before it looks at the body, so a file of
 * another model, a newer layout or a different feature vector is refused with a sentence saying
 * which, instead of scoring garbage.
 *
 * @example
 * const file = writeModelFile('loginguard.isolation-forest', 1, ['hour', 'km'], { trees: 100 });
 * // { tag: 'loginguard.isolation-forest', version: 1, features: ['hour', 'km'], trees: 100 }
 * const body = readModelFile(file, { tag: 'loginguard.isolation-forest', version: 1 });
 */
export type ModelFile<Body extends object = Record<string, unknown>> = {
  tag: string;
  version: number;
  features: string[];
} & Body;

/** What {@link readModelFile} checks the envelope against. */
export interface ModelFileExpectation {
  /** The model kind, e.g. `loginguard.isolation-forest`. */
  tag: string;
  /** The one layout this build can read. */
  version: number;
  /** When given, the file's feature list must equal it (same names, same order). */
  expectedFeatures?: readonly string[] | undefined;
}

/**
 * A model file that cannot be used. `field` is where the problem is (`tag`, `version`,
 * `features`, `arrays.threshold`, ...), the message a sentence naming it.
 */
export class ModelFileError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`model file ${field}: ${reason}`);
    this.name = 'ModelFileError';
  }
}

/** The envelope plus the body, in that key order (so the bytes of a saved model are stable). */
export function writeModelFile<Body extends object>(
  tag: string,
  version: number,
  features: readonly string[],
  body: Body,
): ModelFile<Body> {
  return { tag, version, features: [...features], ...body };
}

/**
 * Checks the envelope of a parsed model file (or of its JSON text) and returns the whole object
 * for the caller to read its body from.
 * @throws ModelFileError on anything but an object with the expected tag, version and features.
 */
export function readModelFile(json: unknown, expect: ModelFileExpectation): ModelFile {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new ModelFileError('(text)', `not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFileError('(root)', `expected a ${expect.tag} object, got ${describe(value)}`);
  }
  const file = value as Record<string, unknown>;
  if (file.tag !== expect.tag) {
    throw new ModelFileError(
      'tag',
      `expected '${expect.tag}', got ${describe(file.tag)}: not this kind of model`,
    );
  }
  if (file.version !== expect.version) {
    throw new ModelFileError(
      'version',
      `${expect.tag} version ${describe(file.version)} cannot be read; this build reads version ${expect.version}`,
    );
  }
  const features = file.features;
  if (!Array.isArray(features) || !features.every((name) => typeof name === 'string')) {
    throw new ModelFileError('features', `expected a list of feature names, got ${describe(features)}`);
  }
  if (expect.expectedFeatures) checkFeatures(features as string[], expect.expectedFeatures);
  return file as ModelFile;
}

/** @throws ModelFileError naming the first difference between the model's features and the caller's. */
function checkFeatures(actual: readonly string[], expected: readonly string[]): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] === expected[i]) continue;
    const got = actual[i] === undefined ? 'nothing' : `'${actual[i]}'`;
    const want = expected[i] === undefined ? 'nothing' : `'${expected[i]}'`;
    throw new ModelFileError(
      'features',
      `the model was trained on ${actual.length} features and the caller has ${expected.length}; ` +
        `first difference at position ${i}: model has ${got}, caller expects ${want}`,
    );
  }
}

/** The typed arrays a model may store. */
export type StoredArray = Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array;
type StoredArrayConstructor<T extends StoredArray> = {
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

// Typed arrays are stored as the base64 of their bytes in little-endian order, which is the order
// of every platform Node ships for today; a big-endian host would need a byte swap we do not have.
const LITTLE_ENDIAN = endianness() === 'LE';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes of a typed array as base64: exact (bit for bit) and about a third of the size of a JSON number list. */
export function encodeArray(array: StoredArray): string {
  if (!LITTLE_ENDIAN) throw new Error('model files are little-endian; this host is big-endian');
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/**
 * Reads back a typed array that {@link encodeArray} wrote, into fresh aligned memory.
 * @param field where it sits in the file, for the error message (e.g. `arrays.threshold`).
 * @throws ModelFileError when it is missing, not base64, or not exactly `length` values long.
 */
export function decodeArray<T extends StoredArray>(
  value: unknown,
  field: string,
  type: StoredArrayConstructor<T>,
  length: number,
): T {
  if (!LITTLE_ENDIAN) throw new Error('model files are little-endian; this host is big-endian');
  if (value === undefined) throw new ModelFileError(field, 'missing');
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
    throw new ModelFileError(field, `expected a base64 string of ${type.name} bytes, got ${describe(value)}`);
  }
  const bytes = Buffer.from(value, 'base64');
  const expectedBytes = length * type.BYTES_PER_ELEMENT;
  if (bytes.length !== expectedBytes) {
    const values = bytes.length / type.BYTES_PER_ELEMENT;
    throw new ModelFileError(
      field,
      `holds ${Number.isInteger(values) ? values : `${bytes.length} bytes, not a whole number of`} ` +
        `${type.name} values, expected ${length}${bytes.length < expectedBytes ? ' (truncated?)' : ''}`,
    );
  }
  const out = new type(length);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** A short description of a JSON value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `'${value.slice(0, 40)}…'` : `'${value}'`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}
