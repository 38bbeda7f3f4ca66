import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMailTransport } from '../../src/alert/mail-transport.js';

const mail = (subject: string) => ({
  to: ['alice@example.com'],
  subject,
  text: 'Was this you?',
  html: '<p>Was this you?</p>',
});

describe('mail without an SMTP server', () => {
  it('writes each mail as an .eml file, making the folder again if it was removed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lg-mail-'));
    const dir = join(root, 'mail');
    const transport = createMailTransport({
      mailDir: dir,
      from: 'lg <lg@example.com>',
      log: pino({ level: 'silent' }),
    });
    try {
      const first = await transport.send(mail('one'));
      expect(first).toMatch(/^<.+>$/);
      expect(readdirSync(dir)).toHaveLength(1);
      rmSync(dir, { recursive: true });
      await transport.send(mail('two'));
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      const text = readFileSync(join(dir, files[0] as string), 'utf8');
      expect(text).toContain('Subject: two');
      expect(text).toContain('To: alice@example.com');
    } finally {
      transport.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
