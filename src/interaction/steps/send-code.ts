import { requestTenantLook } from '../../branding/request-tenant-look.ts';
import { guestLocale } from '../../i18n/guest-locale.ts';
import { checkCsrf, discover, lastMailUndelivered, loadAttempt, saveAttempt, seeStep, type SignInContext, type SignInDeps } from '../sign-in-context.ts';
import { sendNotice } from '../sign-in-notice.ts';
import { renderStep } from './show-step.ts';

/** POST `/send`: mails a new code (email-otp.ts), or says why not. */
export async function sendCode(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  const { state, tenant } = attempt;
  if (!state.email) return seeStep(ctx, attempt);
  // Discovery again: the tenant's policy or the guest may have changed since the address was given.
  const { user, method } = await discover(deps, tenant, state.email);
  if (method.kind !== 'EmailOTP') {
    attempt.state = { ...state, method };
    await saveAttempt(deps, attempt);
    return seeStep(ctx, attempt);
  }

  // The mail speaks the page's language and names the app; an invitation's sign-in has no app yet.
  // It wears the page's branding, read once for this request by tenant routing.
  const mailContext = {
    locale: guestLocale(ctx),
    appName: attempt.isRedemption ? undefined : attempt.clientName,
    branding: requestTenantLook(ctx.req)?.branding ?? {},
  };
  const outcome = await deps.emailOtp.send(tenant, attempt.uid, { ...state, method, email: state.email }, user, ctx.ip, mailContext, lastMailUndelivered(attempt));
  if (outcome.kind !== 'sent') return renderStep(deps, ctx, attempt, sendNotice(outcome));
  attempt.state = outcome.state;
  seeStep(ctx, attempt);
}
