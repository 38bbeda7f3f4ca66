import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { MailContent } from './user-mail.js';

/** One mail to send. */
export interface OutgoingMail extends MailContent {
  to: readonly string[];
}

/**
 * Sends mail. Two implementations behind one function: SMTP through nodemailer, or, with no SMTP
 * server configured, `.eml` files in a folder (so the embedded default still shows every mail).
 *
 * @example
 * const mail = createMailTransport({ smtpUrl: 'smtp://mail.example.com:587', from: 'lg <lg@example.com>', log });
 * await mail.send({ to: ['alice@example.com'], subject, text, html });
 */
export interface MailTransport {
  /** Resolves once the server accepted the mail (or the file is written); returns its Message-ID. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

export function createMailTransport(options: {
  smtpUrl?: string;
  mailDir: string;
  from: string;
  log: Logger;
}): MailTransport {
  const { from, log } = options;
  if (options.smtpUrl) {
    // Pooled: a spray over thousands of accounts is thousands of mails, and a connection (TLS
    // handshake, AUTH) per mail would be most of their cost.
    const transport = nodemailer.createTransport({ url: options.smtpUrl, pool: true });
    return {
      async send(mail) {
        const info = await transport.sendMail({ from, ...mail, to: [...mail.to] });
        return info.messageId;
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = options.mailDir;
  return {
    async send(mail) {
      const info = await transport.sendMail({ from, ...mail, to: [...mail.to] });
      const file = join(
        dir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`,
      );
      // The folder is made when a write finds it missing (the first mail, or after someone removed
      // it), not before every mail: a spray writes thousands.
      try {
        await writeFile(file, info.message as Buffer);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        await mkdir(dir, { recursive: true });
        await writeFile(file, info.message as Buffer);
      }
      log.info({ file, to: mail.to, subject: mail.subject }, 'mail written (no SMTP server configured)');
      return info.messageId;
    },
    close: () => transport.close(),
  };
}
