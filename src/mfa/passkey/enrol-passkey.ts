import { checkCsrf, formValue, loadAttempt, pageUrl, redirect, type SignInContext, type SignInDeps } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { SignInProblem } from '../../interaction/sign-in-problem.ts';
import { pendingSecondFactor, secondFactorPassed } from '../second-factor-result.ts';
import { mayEnrol } from '../steps/choose-method.ts';
import { checkPasskey } from './passkey-check.ts';
import { passkeyCeremoniesOf } from './passkey-ceremonies-of.ts';
import { sendPasskeyPage } from './passkey-page.ts';

/** GET `/mfa/passkey/enrol`: a button that has the browser create a passkey for this guest. */
export async function showPasskeyEnrolment(deps: SignInDeps, ctx: SignInContext, notice?: SignInNotice): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  if (!(await mayEnrol(deps, attempt, 'passkey'))) return redirect(ctx, pageUrl(attempt, '/mfa'));
  await sendPasskeyPage(deps, ctx, attempt, 'registration', notice);
}

/** POST `/mfa/passkey/enrol`: the new passkey, verified (user verification, origin, challenge), becomes the guest's. */
export async function enrolPasskey(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  if (!(await mayEnrol(deps, attempt, 'passkey'))) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const { userId } = pendingSecondFactor(attempt);
  const user = await deps.users.find(attempt.tenant.id, userId);
  if (!user) throw SignInProblem.expired();
  const context = { tenant: attempt.tenant, uid: attempt.uid, user };
  const check = await checkPasskey(deps, ctx, attempt, () => passkeyCeremoniesOf(deps).register(context, formValue(ctx, 'response')));
  if (check.kind === 'lockedOut') return;
  if (check.kind === 'refused') return showPasskeyEnrolment(deps, ctx, check.notice);
  await secondFactorPassed(deps, ctx, attempt, { kind: 'passkey', amr: [check.amr] });
}
