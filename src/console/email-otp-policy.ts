import { EMAIL_OTP_POLICY_STATES, type EmailOtpPolicyState, isEmailOtpEnabled } from '../guests/email-otp-policy.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { consoleUrl, type ConsoleDeps, formValue, queryValue, seeOther, type SignedInContext } from './console-context.ts';

/**
 * GET `/policies/email-otp`: the tenant's email one-time passcode policy (Graph's three states),
 * and what `default` means in this deployment today (EMAIL_OTP_DEFAULT and its auto-enable date).
 */
export async function emailOtpPolicyPage(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const { tenant } = ctx.state;
  deps.pages.send(ctx, 'email-otp', {
    title: t(guestLocale(ctx), 'console.emailOtp.title'),
    section: 'emailOtp',
    state: tenant.emailOtpPolicy ?? 'default',
    states: EMAIL_OTP_POLICY_STATES,
    defaultEnabled: isEmailOtpEnabled('default', deps.config.emailOtpDefault),
    effectiveEnabled: isEmailOtpEnabled(tenant.emailOtpPolicy, deps.config.emailOtpDefault),
    done: queryValue(ctx, 'done'),
  });
}

/** POST `/policies/email-otp`: sets the state, as `PATCH /policies/emailOtp` does. */
export async function setEmailOtpPolicy(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const state = formValue(ctx, 'state');
  if (!(EMAIL_OTP_POLICY_STATES as readonly string[]).includes(state)) return emailOtpPolicyPage(deps, ctx);
  await deps.tenants.update(ctx.state.tenant.id, { emailOtpPolicy: state as EmailOtpPolicyState });
  seeOther(ctx, consoleUrl(ctx, '/policies/email-otp?done=saved'));
}
