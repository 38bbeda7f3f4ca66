import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/detect/reason-codes.js';

describe('reason codes', () => {
  it('are each documented with their own section in docs/detectors.md', () => {
    const doc = readFileSync(new URL('../../docs/detectors.md', import.meta.url), 'utf8');
    const sections = [...doc.matchAll(/^### ([A-Z_]+)$/gm)].map((m) => m[1]);
    expect(new Set(sections)).toEqual(new Set(REASON_CODES));
  });
});
