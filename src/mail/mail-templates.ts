import type { BrandingView } from '../branding/branding-view.ts';
import { EjsTemplates } from '../ejs-templates.ts';
import { durationInWords } from '../i18n/durations.ts';
import { DEFAULT_LOCALE, type Locale, translator } from '../i18n/translate.ts';
import type { MailMessage } from './mailer.ts';

export interface PasscodeMail {
  to: string;
  tenantName: string;
  /** The app the guest signs in to (its client_name); undefined when accepting an invitation. */
  appName?: string | undefined;
  code: string;
  validForSeconds: number;
  /** When the code stops working. */
  expiresAt: Date;
  /** The guest's language; English when not given. */
  locale?: Locale;
  /** The tenant's branding (branding/branding-view.ts); none: the product's own header. */
  branding?: BrandingView;
}

export interface InvitationMail {
  to: string;
  tenantName: string;
  /** The tenant's app that sent the invitation (an admin client); null for a deployment administrator. */
  inviterAppName: string | null;
  invitedUserDisplayName: string | null;
  redeemUrl: string;
  inviteRedirectUrl: string;
  /** The inviter's own words (Graph's customizedMessageBody): plain text, line breaks kept. */
  customizedMessageBody?: string | null;
  /** The invited guest's language; English when not given. */
  locale?: Locale;
  /** The tenant's branding (branding/branding-view.ts); none: the product's own header. */
  branding?: BrandingView;
}

/** The side of the square the logo is drawn in, in CSS pixels (as on the pages). */
export const MAIL_LOGO_BOX = 40;

/** What the mail layout's header row shows of the tenant's branding; empty for an unbranded tenant. */
export interface MailHeader {
  logo?: { url: string; width: number; height: number };
  /** The header as a band in the tenant's colour, its text in black or white (whichever reads). */
  band?: { background: string; text: string };
}

/**
 * The header a mail gets from the tenant's branding. The logo's width and height attributes fit it
 * into the square, proportions kept: mail clients ignore object-fit, and many show no picture until
 * asked, so the attributes also hold its place. Colours are validated `#RRGGBB` values.
 */
export function mailHeader(branding: BrandingView = {}): MailHeader {
  const header: MailHeader = {};
  if (branding.logoUrl && branding.logoSize) {
    const { width, height } = branding.logoSize;
    const scale = MAIL_LOGO_BOX / Math.max(width, height);
    header.logo = { url: branding.logoUrl, width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  }
  if (branding.backgroundColor && branding.textOnBackground) {
    header.band = { background: branding.backgroundColor, text: branding.textOnBackground };
  }
  return header;
}

/**
 * The code's expiry as a clock time in the guest's language, in UTC and saying so: the server does
 * not know the guest's time zone, and a local-looking time in the wrong zone would mislead. The
 * mail puts the duration first (right wherever the guest is), this only as the fixed point.
 */
export function expiryClockTime(locale: Locale, expiresAt: Date): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(expiresAt);
}

/**
 * Builds guest mail from `interactions/mail/*.ejs`: an HTML part in one layout, and plain text.
 * Every text comes from the message catalogue (src/i18n): templates get `t` (plain text) and
 * `html` (escaped values, tags as elements), bound to the mail's locale, and `locale` itself.
 * Values a tenant or inviter wrote (names, the inviter's message) reach the HTML part escaped.
 * The layout's header row carries the tenant's branding (`header`, from mailHeader); the text part
 * has none.
 */
export class MailTemplates {
  readonly #templates: EjsTemplates;

  constructor(directory: string) {
    this.#templates = new EjsTemplates(directory);
  }

  passcode(mail: PasscodeMail): MailMessage {
    const locale = mail.locale ?? DEFAULT_LOCALE;
    const data = {
      ...mail,
      header: mailHeader(mail.branding),
      hasApp: mail.appName !== undefined,
      appName: mail.appName ?? '',
      validFor: durationInWords(locale, mail.validForSeconds),
      expiryTime: expiryClockTime(locale, mail.expiresAt),
    };
    return this.#message(locale, mail.to, translator(locale).t('mail.passcode.subject', { tenantName: mail.tenantName }), 'passcode', data);
  }

  invitation(mail: InvitationMail): MailMessage {
    const locale = mail.locale ?? DEFAULT_LOCALE;
    const data = {
      ...mail,
      header: mailHeader(mail.branding),
      customizedMessageBody: mail.customizedMessageBody ?? null,
      destination: new URL(mail.inviteRedirectUrl).host,
      // For mail.invitation.invited: who invited whom.
      invited: {
        hasInviterApp: mail.inviterAppName !== null,
        inviterAppName: mail.inviterAppName ?? '',
        hasName: mail.invitedUserDisplayName !== null,
        name: mail.invitedUserDisplayName ?? '',
        to: mail.to,
        tenantName: mail.tenantName,
      },
    };
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
