import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import ejs from 'ejs';

import type { MailMessage } from './mailer.ts';

type Template = (data: Record<string, unknown>) => string;

export interface PasscodeMail {
  to: string;
  tenantName: string;
  code: string;
  validForSeconds: number;
}

export interface InvitationMail {
  to: string;
  tenantName: string;
  inviterName: string;
  invitedUserDisplayName: string | null;
  redeemUrl: string;
  inviteRedirectUrl: string;
}

/** Builds guest mail from `interactions/mail/*.ejs`: an HTML part in one layout, and plain text. */
export class MailTemplates {
  readonly #directory: string;
  readonly #compiled = new Map<string, Template>();

  constructor(directory: string) {
    this.#directory = directory;
  }

  passcode(mail: PasscodeMail): MailMessage {
    const data = { ...mail, validFor: describeDuration(mail.validForSeconds) };
    return this.#message(mail.to, `Your ${mail.tenantName} sign-in code`, 'passcode', data);
  }

  invitation(mail: InvitationMail): MailMessage {
    const data = { ...mail, destination: new URL(mail.inviteRedirectUrl).host };
    return this.#message(mail.to, `You're invited to ${mail.tenantName}`, 'invitation', data);
  }

  #message(to: string, subject: string, name: string, data: Record<string, unknown>): MailMessage {
    const body = this.#template(`${name}.html`)(data);
    return {
      to,
      subject,
      text: this.#template(`${name}.txt`)(data),
      html: this.#template('layout.html')({ ...data, subject, body }),
    };
  }

  #template(name: string): Template {
    let template = this.#compiled.get(name);
    if (!template) {
      const filename = join(this.#directory, `${name}.ejs`);
      // cache: partials pulled in with include() are compiled once too, not read again per render.
      template = ejs.compile(readFileSync(filename, 'utf8'), { filename, cache: true }) as Template;
      this.#compiled.set(name, template);
    }
    return template;
  }
}

/** "30 minutes", "1 hour", "45 seconds": how long a code lasts, in words. */
export function describeDuration(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}
