import { EjsTemplates } from '../ejs-templates.ts';
import type { MailMessage } from './mailer.ts';

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
  readonly #templates: EjsTemplates;

  constructor(directory: string) {
    this.#templates = new EjsTemplates(directory);
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
    const body = this.#templates.get(`${name}.html`)(data);
    return {
      to,
      subject,
      text: this.#templates.get(`${name}.txt`)(data),
      html: this.#templates.get('layout.html')({ ...data, subject, body }),
    };
  }

}

/** "30 minutes", "1 hour", "45 seconds": how long a code lasts, in words. */
export function describeDuration(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}
