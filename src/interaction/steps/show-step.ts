import { durationInWords } from '../../i18n/durations.ts';
import { guestLocale } from '../../i18n/guest-locale.ts';
import { t } from '../../i18n/translate.ts';
import { PASSCODE_DIGITS } from '../../limits.ts';
import { type Attempt, lastMailUndelivered, loadAttempt, pageUrl, redirect, saveAttempt, type SignInContext, type SignInDeps } from '../sign-in-context.ts';
import { recordSignIn, unavailableFailure } from '../sign-in-recording.ts';
import { noticeMessage, type SignInNotice, UNDELIVERED_CODE } from '../sign-in-notice.ts';

/**
 * GET `/interaction/{uid}`: the page of the step the attempt is at. An attempt whose discovery
 * chose an upstream provider goes on to it, with no page of ours in between.
 */
export async function showStep(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  if (attempt.isNew) await saveAttempt(deps, attempt);
  // Past the first factor: the second one's pages (src/mfa).
  if (attempt.state.secondFactor) return redirect(ctx, pageUrl(attempt, '/mfa'));
  if (attempt.state.method?.kind === 'federation') return redirect(ctx, pageUrl(attempt, '/federate'));
  await renderStep(deps, ctx, attempt);
}

/**
 * Renders whatever step the attempt is at: the address, no method, send code, enter code; with
 * a notice from the action that did not go through (and its status).
 */
export async function renderStep(deps: SignInDeps, ctx: SignInContext, attempt: Attempt, notice?: SignInNotice): Promise<void> {
  const { state, tenant } = attempt;
  const locale = guestLocale(ctx);
  const status = notice?.status ?? 200;
  const common = {
    locale,
    tenantName: tenant.displayName,
    clientName: attempt.clientName,
    isRedemption: attempt.isRedemption,
    csrfToken: state.csrfToken,
    email: state.email,
    emailLocked: state.emailLocked ?? false,
    message: notice && noticeMessage(locale, notice),
    actions: {
      identify: pageUrl(attempt, '/identify'),
      send: pageUrl(attempt, '/send'),
      verify: pageUrl(attempt, '/verify'),
      changeAddress: pageUrl(attempt, '/change-address'),
      cancel: pageUrl(attempt, '/cancel'),
    },
  };
  if (!state.email) {
    deps.pages.send(ctx, 'sign-in', { ...common, title: t(locale, 'signIn.title', { tenantName: tenant.displayName }) }, status);
    return;
  }
  if (state.method?.kind !== 'EmailOTP') {
    const reason = state.method?.kind === 'unavailable' ? state.method.reason : 'noMethod';
    await recordSignIn(deps, ctx, tenant, attempt, { failure: unavailableFailure(state.method) });
    deps.pages.send(ctx, 'no-method', { ...common, reason, title: t(locale, 'noMethod.title') }, status === 200 ? 403 : status);
    return;
  }
  if (!state.passcodeSentAt) {
    deps.pages.send(ctx, 'send-code', { ...common, title: t(locale, 'sendCode.title') }, status);
    return;
  }
  // The mail queue gave up on this code's mail: say so, and offer a new code instead of a form for one that never came.
  const undelivered = lastMailUndelivered(attempt);
  deps.pages.send(ctx, 'enter-code', {
    ...common,
    ...(undelivered && !notice ? { message: noticeMessage(locale, UNDELIVERED_CODE) } : {}),
    undelivered,
    title: t(locale, 'enterCode.title'),
    digits: PASSCODE_DIGITS,
    validFor: durationInWords(locale, deps.otpTtlSeconds),
  }, status);
}
