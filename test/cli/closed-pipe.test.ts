import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/loginguard.js', import.meta.url));

describe('loginguard … | head', () => {
  it('stops quietly when the reader closes the pipe before the output ends', async () => {
    // `generate --out -` writes a few MB; the reader keeps the first chunk and closes, as head does.
    const child = spawn(process.execPath, [
      BIN,
      'generate',
      '--users',
      '300',
      '--days',
      '20',
      '--seed',
      '3',
      '--out',
      '-',
    ]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(status).toBe(0);
  });
});
