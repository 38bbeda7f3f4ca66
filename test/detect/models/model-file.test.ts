import { describe, expect, it } from 'vitest';
import {
  decodeArray,
  encodeArray,
  ModelFileError,
  readModelFile,
  writeModelFile,
} from '../../../src/detect/models/model-file.js';

const expectation = { tag: 'loginguard.test-model', version: 3 };

describe('writeModelFile / readModelFile', () => {
  it('puts the envelope first and gives the whole object back', () => {
    const file = writeModelFile('loginguard.test-model', 3, ['a', 'b'], { weights: [1, 2] });
    expect(Object.keys(file)).toEqual(['tag', 'version', 'features', 'weights']);
    expect(readModelFile(JSON.stringify(file), { ...expectation, expectedFeatures: ['a', 'b'] })).toEqual(
      file,
    );
  });

  it('says what is wrong with the envelope', () => {
    const file = writeModelFile('loginguard.test-model', 3, ['a', 'b'], {});
    const message = (json: unknown, expectedFeatures?: string[]): string => {
      try {
        readModelFile(json, { ...expectation, expectedFeatures });
      } catch (error) {
        expect(error).toBeInstanceOf(ModelFileError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message(null)).toBe('model file (root): expected a loginguard.test-model object, got null');
    expect(message({ ...file, tag: undefined })).toMatch(
      /^model file tag: expected 'loginguard.test-model', got nothing/,
    );
    expect(message({ ...file, version: '3' })).toMatch(/^model file version: .* version '3' cannot be read/);
    expect(message({ ...file, features: ['a', 7] })).toMatch(
      /^model file features: expected a list of feature names/,
    );
    expect(message(file, ['a', 'b', 'c'])).toMatch(/position 2: model has nothing, caller expects 'c'/);
  });
});

describe('encodeArray / decodeArray', () => {
  it('round-trips every stored type exactly, from any offset into a buffer', () => {
    const doubles = Float64Array.from([Math.PI, -0, Number.MIN_VALUE, 1e308, Number.NaN]);
    expect(decodeArray(encodeArray(doubles), 'x', Float64Array, 5)).toEqual(doubles);
    const view = new Int16Array(new ArrayBuffer(16), 2, 3);
    view.set([-32768, 0, 32767]);
    expect(Array.from(decodeArray(encodeArray(view), 'x', Int16Array, 3))).toEqual([-32768, 0, 32767]);
    expect(Array.from(decodeArray(encodeArray(Float32Array.of(0.5)), 'x', Float32Array, 1))).toEqual([0.5]);
  });

  it('rejects a missing, malformed or short array, naming it', () => {
    const ints = encodeArray(Int32Array.of(1, 2, 3));
    expect(() => decodeArray(undefined, 'arrays.w', Int32Array, 3)).toThrow('model file arrays.w: missing');
    expect(() => decodeArray([1, 2, 3], 'arrays.w', Int32Array, 3)).toThrow(
      /expected a base64 string of Int32Array bytes, got a list of 3/,
    );
    expect(() => decodeArray(ints, 'arrays.w', Int32Array, 4)).toThrow(
      'model file arrays.w: holds 3 Int32Array values, expected 4 (truncated?)',
    );
    expect(() => decodeArray(ints, 'arrays.w', Float64Array, 2)).toThrow(
      /not a whole number of Float64Array/,
    );
  });
});
