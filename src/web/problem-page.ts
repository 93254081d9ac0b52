import type { Context } from 'koa';

import { guestLocale } from '../i18n/guest-locale.ts';
import { type MessageKey, type MessageValues, t } from '../i18n/translate.ts';
import type { Pages } from './pages.ts';

/** What went wrong, as the catalogue names it: `problem.<code>.title`, `.message` and `.hint`. */
export type ProblemCode = MessageKey extends infer Key ? Key extends `problem.${infer Code}.title` ? Code : never : never;

export interface ProblemDetails {
  /** Values of the problem's messages (an upstream's name, an address). */
  values?: MessageValues;
  /** Where "Try again" leads, when trying again can help. */
  retryUrl?: string;
  /** Shown with the request id, for the guest to quote. */
  reference?: string;
  /** The OAuth error code, shown small under the reference for the app's developers ("Error: invalid_client"). */
  errorCode?: string;
  /** The organization, for the page's header. */
  tenantName?: string;
}

/**
 * The error page for a problem: the one place a problem's code becomes the words a guest reads
 * (sign-in problems, oidc-provider's errors, failures no handler expected, unknown tenants).
 */
export function sendProblemPage(pages: Pages, ctx: Context, code: ProblemCode, status: number, details: ProblemDetails = {}): void {
  const locale = guestLocale(ctx);
  const values = details.values ?? {};
  pages.send(ctx, 'error', {
    locale,
    title: t(locale, `problem.${code}.title`, values),
    message: t(locale, `problem.${code}.message`, values),
    hint: t(locale, `problem.${code}.hint`, values),
    ...(details.tenantName ? { tenantName: details.tenantName } : {}),
    ...(details.retryUrl ? { retryUrl: details.retryUrl } : {}),
    ...(details.reference ? { reference: details.reference } : {}),
    ...(details.errorCode ? { errorCode: details.errorCode } : {}),
  }, status);
}
