import { checkCsrf, loadAttempt, pageUrl, redirect, type SignInContext, type SignInDeps } from '../../interaction/sign-in-context.ts';
import { sendMfaPage } from '../mfa-page.ts';
import { groupedCode, openRecoveryCodes, remainingCodes, saveRecoveryCodes } from '../recovery-codes.ts';
import { finishWithSecondFactor, pendingSecondFactor } from '../second-factor-result.ts';

/**
 * GET `/mfa/recovery-codes`: the new recovery codes, after a first enrolment, until the guest says
 * they saved them; or, after a recovery code was used, how many are left.
 */
export async function showRecoveryCodes(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  const { passed, userId } = pendingSecondFactor(attempt);
  if (!passed) return redirect(ctx, pageUrl(attempt, '/mfa'));
  if (!passed.sealedRecoveryCodes) {
    // A recovery code was used: how many are left, and on to the app.
    const method = (await deps.mfa.methods.list(attempt.tenant.id, userId)).find((one) => one.type === 'recoveryCodes');
    return sendMfaPage(deps, ctx, attempt, 'mfa-recovery-used', 'mfa.recoveryUsed.title', {
      remaining: method ? remainingCodes(method) : 0,
      actions: { confirm: pageUrl(attempt, '/mfa/recovery-codes') },
    });
  }
  const codes = openRecoveryCodes(deps.mfa, attempt.tenant.id, attempt.uid, passed.sealedRecoveryCodes).map(groupedCode);
  sendMfaPage(deps, ctx, attempt, 'mfa-recovery-codes', 'mfa.recoveryCodes.title', {
    codes,
    actions: { confirm: pageUrl(attempt, '/mfa/recovery-codes') },
  });
}

/** POST `/mfa/recovery-codes`: the guest saved them (or read how many are left); the sign-in finishes with both factors. */
export async function confirmRecoveryCodes(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  const pending = pendingSecondFactor(attempt);
  if (!pending.passed) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const { sealedRecoveryCodes } = pending.passed;
  if (sealedRecoveryCodes) {
    await saveRecoveryCodes(deps.mfa, attempt.tenant.id, pending.userId, openRecoveryCodes(deps.mfa, attempt.tenant.id, attempt.uid, sealedRecoveryCodes));
  }
  await finishWithSecondFactor(deps, ctx, attempt, pending, pending.passed);
}
