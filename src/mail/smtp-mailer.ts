import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

import { SMTP_POOL, SMTP_TIMEOUTS } from '../limits.ts';
import { MailDeliveryError, type MailMessage, type Mailer } from './mailer.ts';

/**
 * Mail through SMTP_URL (nodemailer), on a pool of a few connections reused for many messages:
 * the mail worker sends back to back, and a handshake per message would be most of the work.
 */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;
  readonly #log: Logger;

  constructor(smtpUrl: string, from: string, log: Logger) {
    const url = new URL(smtpUrl);
    this.#transport = createTransport({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
      secure: url.protocol === 'smtps:',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      pool: true,
      maxConnections: SMTP_POOL.maxConnections,
      maxMessages: SMTP_POOL.messagesPerConnection,
      ...SMTP_TIMEOUTS,
    });
    this.#from = from;
    this.#log = log;
  }

  async send(message: MailMessage): Promise<void> {
    try {
      const info = await this.#transport.sendMail({ from: this.#from, ...message });
      this.#log.info({ messageId: info.messageId, subject: message.subject }, 'mail sent');
    } catch (error) {
      throw new MailDeliveryError(`mail could not be sent (${describeSmtpError(error)})`, { cause: error });
    }
  }

  async probe(): Promise<void> {
    try {
      await this.#transport.verify();
    } catch (error) {
      throw new MailDeliveryError(`mail server does not answer (${describeSmtpError(error)})`, { cause: error });
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * What went wrong, without the server's text: a rejection quotes the recipient's address, which
 * must not reach a log line.
 */
function describeSmtpError(error: unknown): string {
  const { code, responseCode, command } = error as { code?: string; responseCode?: number; command?: string };
  return [code, responseCode, command].filter((part) => part !== undefined && part !== '').join(' ') || 'unknown error';
}
