import { isEmailOtpEnabled } from '../../guests/email-otp-policy.ts';
import { afterFirstFactor } from '../../mfa/second-factor-gate.ts';
import { checkCsrf, discover, formValue, loadAttempt, saveAttempt, seeStep, type SignInContext, type SignInDeps } from '../sign-in-context.ts';
import { verifyNotice } from '../sign-in-notice.ts';
import { SignInProblem } from '../sign-in-problem.ts';
import { codeFailure, recordSignIn } from '../sign-in-recording.ts';
import { renderStep } from './show-step.ts';

/** POST `/verify`: checks the typed code; a right one signs the guest in (and redeems their invitation). */
export async function verifyCode(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  const { state, tenant } = attempt;
  if (!state.email || !state.passcodeSentAt) return seeStep(ctx, attempt);

  if (!isEmailOtpEnabled(tenant.emailOtpPolicy, deps.emailOtpDefault)) {
    // Turned off since the code was sent: the code no longer signs anyone in.
    attempt.state = { ...state, method: (await discover(deps, tenant, state.email)).method };
    await saveAttempt(deps, attempt);
    return seeStep(ctx, attempt);
  }
  const code = formValue(ctx, 'code').replace(/\s+/g, '');
  const outcome = await deps.emailOtp.verify(tenant, attempt.uid, { ...state, email: state.email }, code);
  if (outcome.kind !== 'verified') {
    if (outcome.kind === 'dead') attempt.state = { ...state, passcodeDead: true };
    // Independent writes: they leave together (the log entry never fails, so it cannot stop the save).
    await Promise.all([
      outcome.kind === 'dead' ? saveAttempt(deps, attempt) : undefined,
      recordSignIn(deps, ctx, tenant, attempt, { failure: codeFailure(outcome) }),
    ]);
    return renderStep(deps, ctx, attempt, verifyNotice(outcome));
  }

  attempt.state = { ...state, passcodeUsed: true };
  const found = await deps.users.find(tenant.id, outcome.userId);
  if (!found) throw SignInProblem.expired();
  const user = await deps.redemptions.recordSignIn(tenant.id, found, 'EmailOTP');
  // Signed in, or on to a second factor (src/mfa).
  await afterFirstFactor(deps, ctx, attempt, { user, amr: ['otp'], method: { kind: 'EmailOTP' } });
}
