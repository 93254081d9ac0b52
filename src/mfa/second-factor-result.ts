import type { SignInFailure } from '../activity/sign-in-failures.ts';
import { type Attempt, finishInteraction, pageUrl, redirect, saveAttempt, type SignInContext, type SignInDeps } from '../interaction/sign-in-context.ts';
import { SignInProblem } from '../interaction/sign-in-problem.ts';
import { recordSignIn } from '../interaction/sign-in-recording.ts';
import type { PendingSecondFactor } from '../store/sign-in-repository.ts';
import type { SecondFactorKind } from './authentication-method.ts';
import { MFA_ACR } from './guest-mfa-policy.ts';
import { failureKey } from './mfa-services.ts';
import { hasRecoveryCodes, issueRecoveryCodes } from './recovery-codes.ts';

/** What passed: a method, or a recovery code standing in for one. */
export type SecondFactorUsed = SecondFactorKind | 'recoveryCode';

/** The sign-in's pending second factor; a request without one (expired, or finished) goes back to the sign-in's page. */
export function pendingSecondFactor(attempt: Attempt): PendingSecondFactor {
  const pending = attempt.state.secondFactor;
  if (!pending) throw SignInProblem.expired();
  return pending;
}

/**
 * A method's page saw its second factor pass (a right TOTP code, a verified passkey; enrolled
 * now or before). `amr`: the method's RFC 8176 values (["otp"], ["hwk"], ["swk"]); the tokens get
 * them with the first factor's and `mfa`, and `acr` `mfa`. A guest who just enrolled their first
 * second factor gets recovery codes first (recovery-codes page), then the sign-in finishes.
 */
export async function secondFactorPassed(deps: SignInDeps, ctx: SignInContext, attempt: Attempt, used: { kind: SecondFactorUsed; amr: string[] }): Promise<void> {
  const pending = pendingSecondFactor(attempt);
  const { tenant } = attempt;
  await deps.mfa.failures.reset(failureKey(tenant.id, pending.userId));
  if (used.kind !== 'recoveryCode' && !(await hasRecoveryCodes(deps.mfa, tenant.id, pending.userId))) {
    const sealedRecoveryCodes = issueRecoveryCodes(deps.mfa, tenant.id, attempt.uid);
    attempt.state = { ...attempt.state, secondFactor: { ...pending, pending: {}, passed: { kind: used.kind, amr: used.amr, sealedRecoveryCodes } } };
    await saveAttempt(deps, attempt);
    return redirect(ctx, pageUrl(attempt, '/mfa/recovery-codes'));
  }
  await finishWithSecondFactor(deps, ctx, attempt, pending, used);
}

/** Ends the sign-in with both factors: the log entry, and the login with its amr and acr. */
export async function finishWithSecondFactor(
  deps: SignInDeps, ctx: SignInContext, attempt: Attempt, pending: PendingSecondFactor, used: { kind: SecondFactorUsed; amr: string[] },
): Promise<void> {
  const user = await deps.users.find(attempt.tenant.id, pending.userId);
  if (!user) throw SignInProblem.expired();
  const amr = [...new Set([...pending.firstAmr, ...used.amr, 'mfa'])];
  await Promise.all([
    recordSignIn(deps, ctx, attempt.tenant, attempt, { user, method: pending.firstMethod, secondFactor: used.kind }),
    finishInteraction(ctx, attempt, { login: { accountId: user.id, amr, acr: MFA_ACR, remember: true } }),
  ]);
}

/** A failed try at a second factor, for the sign-in log (the page says what to do). */
export async function recordSecondFactorFailure(deps: SignInDeps, ctx: SignInContext, attempt: Attempt, kind: SecondFactorUsed, failure: SignInFailure): Promise<void> {
  const pending = pendingSecondFactor(attempt);
  const user = await deps.users.find(attempt.tenant.id, pending.userId);
  await recordSignIn(deps, ctx, attempt.tenant, attempt, { ...(user ? { user } : {}), method: pending.firstMethod, secondFactor: kind, failure });
}

/**
 * Counts a wrong second factor against the user's limit; the verdict says whether they are now
 * locked out (and for how long).
 */
export async function countSecondFactorFailure(deps: SignInDeps, attempt: Attempt): Promise<{ lockedOut: boolean; retryAfterSeconds: number }> {
  const verdict = await deps.mfa.failures.hit(failureKey(attempt.tenant.id, pendingSecondFactor(attempt).userId));
  return { lockedOut: !verdict.allowed || verdict.remaining === 0, retryAfterSeconds: verdict.retryAfterSeconds };
}

/** Whether the user is locked out of second factors right now (checked before a try is looked at). */
export async function secondFactorLockedOut(deps: SignInDeps, attempt: Attempt): Promise<{ lockedOut: boolean; retryAfterSeconds: number }> {
  const verdict = await deps.mfa.failures.check(failureKey(attempt.tenant.id, pendingSecondFactor(attempt).userId));
  return { lockedOut: !verdict.allowed, retryAfterSeconds: verdict.retryAfterSeconds };
}
