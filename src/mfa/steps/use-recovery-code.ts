import { checkCsrf, formValue, loadAttempt, pageUrl, redirect, saveAttempt, type SignInContext, type SignInDeps } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { sendMfaPage } from '../mfa-page.ts';
import { failureKey } from '../mfa-services.ts';
import { useRecoveryCode } from '../recovery-codes.ts';
import {
  countSecondFactorFailure, pendingSecondFactor, recordSecondFactorFailure, secondFactorLockedOut,
} from '../second-factor-result.ts';
import { sendLockedOut } from './locked-out.ts';

/** GET `/mfa/recovery`: a recovery code instead of the second factor. */
export async function showRecoveryCodeForm(deps: SignInDeps, ctx: SignInContext, notice?: SignInNotice): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  pendingSecondFactor(attempt);
  sendMfaPage(deps, ctx, attempt, 'mfa-recovery', 'mfa.recovery.title', { actions: { back: pageUrl(attempt, '/mfa') } }, notice);
}

/**
 * POST `/mfa/recovery`: uses one recovery code up; the guest is told how many are left, then the
 * sign-in finishes with both factors. A wrong one counts against the same limit as wrong
 * authenticator codes.
 */
export async function useRecoveryCodeStep(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  const pending = pendingSecondFactor(attempt);
  if (pending.passed) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const locked = await secondFactorLockedOut(deps, attempt);
  if (locked.lockedOut) return sendLockedOut(deps, ctx, attempt, 'recoveryCode', locked.retryAfterSeconds);
  const outcome = await useRecoveryCode(deps.mfa, attempt.tenant.id, pending.userId, formValue(ctx, 'code'));
  if (outcome.kind === 'wrong') {
    const verdict = await countSecondFactorFailure(deps, attempt);
    if (verdict.lockedOut) return sendLockedOut(deps, ctx, attempt, 'recoveryCode', verdict.retryAfterSeconds);
    await recordSecondFactorFailure(deps, ctx, attempt, 'recoveryCode', { kind: 'mfaFailed', values: { secondFactor: 'recoveryCode' } });
    return showRecoveryCodeForm(deps, ctx, { key: 'notice.recoveryCodeWrong', kind: 'error', status: 400 });
  }
  await deps.mfa.failures.reset(failureKey(attempt.tenant.id, pending.userId));
  // The guest is told how many codes are left (recovery-codes page) before going on to the app.
  attempt.state = { ...attempt.state, secondFactor: { ...pending, passed: { kind: 'recoveryCode', amr: ['otp'] } } };
  await saveAttempt(deps, attempt);
  redirect(ctx, pageUrl(attempt, '/mfa/recovery-codes'));
}
