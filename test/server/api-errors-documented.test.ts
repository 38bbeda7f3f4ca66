import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../src/server/api-errors.js';

describe('docs/API.md', () => {
  const doc = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
  it.each(Object.entries(API_ERRORS))('documents %s with its status', (code, { status }) => {
    expect(doc).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\|`));
  });
});
