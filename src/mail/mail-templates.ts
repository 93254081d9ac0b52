import { EjsTemplates } from '../ejs-templates.ts';
import { durationInWords } from '../i18n/durations.ts';
import { DEFAULT_LOCALE, type Locale, translator } from '../i18n/translate.ts';
import type { MailMessage } from './mailer.ts';

export interface PasscodeMail {
  to: string;
  tenantName: string;
  code: string;
  validForSeconds: number;
  /** The guest's language; English when not given. */
  locale?: Locale;
}

export interface InvitationMail {
  to: string;
  tenantName: string;
  inviterName: string;
  invitedUserDisplayName: string | null;
  redeemUrl: string;
  inviteRedirectUrl: string;
  /** The invited guest's language; English when not given. */
  locale?: Locale;
}

/**
 * Builds guest mail from `interactions/mail/*.ejs`: an HTML part in one layout, and plain text.
 * Every text comes from the message catalogue (src/i18n): templates get `t` (plain text) and
 * `html` (escaped values, tags as elements), bound to the mail's locale, and `locale` itself.
 */
export class MailTemplates {
  readonly #templates: EjsTemplates;

  constructor(directory: string) {
    this.#templates = new EjsTemplates(directory);
  }

  passcode(mail: PasscodeMail): MailMessage {
    const locale = mail.locale ?? DEFAULT_LOCALE;
    const data = { ...mail, validFor: durationInWords(locale, mail.validForSeconds) };
    return this.#message(locale, mail.to, translator(locale).t('mail.passcode.subject', { tenantName: mail.tenantName }), 'passcode', data);
  }

  invitation(mail: InvitationMail): MailMessage {
    const locale = mail.locale ?? DEFAULT_LOCALE;
    const data = { ...mail, destination: new URL(mail.inviteRedirectUrl).host };
    return this.#message(locale, mail.to, translator(locale).t('mail.invitation.subject', { tenantName: mail.tenantName }), 'invitation', data);
  }

  #message(locale: Locale, to: string, subject: string, name: string, data: Record<string, unknown>): MailMessage {
    const view = { ...data, ...translator(locale), subject };
    const body = this.#templates.get(`${name}.html`)(view);
    return {
      to,
      subject,
      text: this.#templates.get(`${name}.txt`)(view),
      html: this.#templates.get('layout.html')({ ...view, body }),
    };
  }
}
