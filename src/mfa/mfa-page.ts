import { guestLocale } from '../i18n/guest-locale.ts';
import { type MessageKey, t } from '../i18n/translate.ts';
import { type Attempt, pageUrl, type SignInContext, type SignInDeps } from '../interaction/sign-in-context.ts';
import { noticeMessage, type SignInNotice } from '../interaction/sign-in-notice.ts';

/**
 * Renders a page of the second factor (interactions/mfa-*.ejs) with what every one of them shows:
 * the tenant and app, the sign-in's CSRF token, and the actions every page offers (a recovery
 * code instead, the choice of method, cancel). A page that runs a script of ours (a passkey's)
 * passes its own, wider `contentSecurityPolicy`.
 */
export function sendMfaPage(
  deps: SignInDeps, ctx: SignInContext, attempt: Attempt, page: string, titleKey: MessageKey, data: Record<string, unknown> = {}, notice?: SignInNotice,
  contentSecurityPolicy?: string,
): void {
  const locale = guestLocale(ctx);
  deps.pages.send(ctx, page, {
    locale,
    title: t(locale, titleKey),
    tenantName: attempt.tenant.displayName,
    clientName: attempt.clientName,
    isRedemption: attempt.isRedemption,
    csrfToken: attempt.state.csrfToken,
    message: notice && noticeMessage(locale, notice),
    ...data,
    actions: {
      cancel: pageUrl(attempt, '/cancel'),
      recovery: pageUrl(attempt, '/mfa/recovery'),
      choose: pageUrl(attempt, '/mfa/choose'),
      ...(data.actions as Record<string, string> | undefined),
    },
  }, notice?.status ?? 200, contentSecurityPolicy);
}
