import { checkCsrf, formValue, loadAttempt, pageUrl, redirect, type SignInContext, type SignInDeps } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { SignInProblem } from '../../interaction/sign-in-problem.ts';
import { pendingSecondFactor, secondFactorPassed } from '../second-factor-result.ts';
import { hasEnrolled } from '../steps/choose-method.ts';
import { checkPasskey } from './passkey-check.ts';
import { passkeyCeremoniesOf } from './passkey-ceremonies-of.ts';
import { sendPasskeyPage } from './passkey-page.ts';

/** GET `/mfa/passkey/verify`: a button that has the browser sign in with one of the guest's passkeys. */
export async function showPasskeyVerification(deps: SignInDeps, ctx: SignInContext, notice?: SignInNotice): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  if (!(await hasEnrolled(deps, attempt, 'passkey'))) return redirect(ctx, pageUrl(attempt, '/mfa'));
  await sendPasskeyPage(deps, ctx, attempt, 'authentication', notice);
}

/** POST `/mfa/passkey/verify`: an assertion of one of the guest's passkeys, for this page's challenge. */
export async function verifyPasskey(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  // Only a guest with a passkey, at a sign-in that allows one (hasEnrolled looks at both).
  if (!(await hasEnrolled(deps, attempt, 'passkey'))) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const user = await deps.users.find(attempt.tenant.id, pendingSecondFactor(attempt).userId);
  if (!user) throw SignInProblem.expired();
  const context = { tenant: attempt.tenant, uid: attempt.uid, user };
  const check = await checkPasskey(deps, ctx, attempt, () => passkeyCeremoniesOf(deps).authenticate(context, formValue(ctx, 'response')));
  if (check.kind === 'lockedOut') return;
  if (check.kind === 'refused') return showPasskeyVerification(deps, ctx, check.notice);
  await secondFactorPassed(deps, ctx, attempt, { kind: 'passkey', amr: [check.amr] });
}
