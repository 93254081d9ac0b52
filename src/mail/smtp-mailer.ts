import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

import { MailDeliveryError, type MailMessage, type Mailer } from './mailer.ts';

/** Limits on a slow or silent mail server, so a guest waits seconds, not minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 };

/** Mail through SMTP_URL (nodemailer). A connection per message: no pool to go stale. */
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
      this.#log.error({ err: error, subject: message.subject }, 'mail could not be sent');
      throw new MailDeliveryError('mail could not be sent', { cause: error });
    }
  }

  async probe(): Promise<void> {
    try {
      await this.#transport.verify();
    } catch (error) {
      this.#log.error({ err: error }, 'mail server does not answer');
      throw new MailDeliveryError('mail server does not answer', { cause: error });
    }
  }

  close(): void {
    this.#transport.close();
  }
}
