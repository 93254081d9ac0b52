import { checkCsrf, formValue, loadAttempt, pageUrl, redirect, type SignInContext, type SignInDeps } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { TOTP_DIGITS } from '../../limits.ts';
import { sendMfaPage } from '../mfa-page.ts';
import { pendingSecondFactor, secondFactorPassed } from '../second-factor-result.ts';
import { hasEnrolled } from '../steps/choose-method.ts';
import { checkTotpCode } from './totp-check.ts';
import { openTotpSecret } from './totp-secret.ts';

/** GET `/mfa/totp/verify`: a field for the code the guest's app shows now. */
export async function showTotpVerification(deps: SignInDeps, ctx: SignInContext, notice?: SignInNotice): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  if (!(await hasEnrolled(deps, attempt, 'totp'))) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const pending = pendingSecondFactor(attempt);
  sendMfaPage(deps, ctx, attempt, 'mfa-totp-verify', 'totp.verify.title', {
    digits: TOTP_DIGITS,
    canChoose: pending.methods.length > 1,
    actions: { verify: pageUrl(attempt, '/mfa/totp/verify') },
  }, notice);
}

/** POST `/mfa/totp/verify`: a right code (of any of the guest's authenticator apps), not used before. */
export async function verifyTotp(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  const pending = pendingSecondFactor(attempt);
  const methods = (await deps.mfa.methods.list(attempt.tenant.id, pending.userId)).filter((method) => method.type === 'totp');
  if (methods.length === 0 || !pending.methods.includes('totp')) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const secrets = methods.map((method) => openTotpSecret(deps.mfa, attempt.tenant.id, pending.userId, method));
  const check = await checkTotpCode(deps, ctx, attempt, secrets, formValue(ctx, 'code'));
  if (check.kind === 'lockedOut') return;
  if (check.kind === 'refused') return showTotpVerification(deps, ctx, check.notice);
  await secondFactorPassed(deps, ctx, attempt, { kind: 'totp', amr: ['otp'] });
}
