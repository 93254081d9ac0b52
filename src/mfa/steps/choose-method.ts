import { type Attempt, pageUrl, redirect, type SignInContext, type SignInDeps, loadAttempt } from '../../interaction/sign-in-context.ts';
import type { SecondFactorKind } from '../authentication-method.ts';
import { sendMfaPage } from '../mfa-page.ts';
import { pendingSecondFactor } from '../second-factor-result.ts';
import { secondFactorMethod } from '../second-factor-methods.ts';

/** The allowed kinds the guest has enrolled, and the allowed kinds at all, in the policy's order. */
async function methodsOf(deps: SignInDeps, attempt: Attempt): Promise<{ enrolled: SecondFactorKind[]; allowed: SecondFactorKind[] }> {
  const pending = pendingSecondFactor(attempt);
  const have = new Set((await deps.mfa.methods.list(attempt.tenant.id, pending.userId)).map((method) => method.type));
  return { enrolled: pending.methods.filter((kind) => have.has(kind)), allowed: pending.methods };
}

/**
 * GET `/mfa`: where the second factor starts. A guest with one allowed method enrolled uses it;
 * with several, chooses; with none, enrols one (choosing when several are allowed).
 */
export async function secondFactorGate(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  const pending = pendingSecondFactor(attempt);
  if (pending.passed) return redirect(ctx, pageUrl(attempt, '/mfa/recovery-codes'));
  const { enrolled, allowed } = await methodsOf(deps, attempt);
  if (enrolled.length === 1) return redirect(ctx, pageUrl(attempt, `/mfa/${enrolled[0]}/verify`));
  if (enrolled.length === 0 && allowed.length === 1) return redirect(ctx, pageUrl(attempt, `/mfa/${allowed[0]}/enrol`));
  redirect(ctx, pageUrl(attempt, '/mfa/choose'));
}

/** GET `/mfa/choose`: the guest's methods to use, or (having none) the methods to set up. */
export async function chooseMethod(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  const { enrolled, allowed } = await methodsOf(deps, attempt);
  const enrolling = enrolled.length === 0;
  const choices = (enrolling ? allowed : enrolled).flatMap((kind) => {
    const method = secondFactorMethod(kind);
    return method ? [{ kind, nameKey: method.nameKey, descriptionKey: method.descriptionKey, url: pageUrl(attempt, `/mfa/${kind}/${enrolling ? 'enrol' : 'verify'}`) }] : [];
  });
  sendMfaPage(deps, ctx, attempt, 'mfa-choose', enrolling ? 'mfa.choose.enrolTitle' : 'mfa.choose.verifyTitle', { choices, enrolling });
}

/** Whether the guest has one of the allowed methods of `kind` enrolled (a verify page needs one, an enrol page none). */
export async function hasEnrolled(deps: SignInDeps, attempt: Attempt, kind: SecondFactorKind): Promise<boolean> {
  return (await methodsOf(deps, attempt)).enrolled.includes(kind);
}

/** Whether the guest may enrol `kind` now: it is allowed and they have no allowed method yet. */
export async function mayEnrol(deps: SignInDeps, attempt: Attempt, kind: SecondFactorKind): Promise<boolean> {
  const { enrolled, allowed } = await methodsOf(deps, attempt);
  return enrolled.length === 0 && allowed.includes(kind);
}
