import type { Attempt, SignInContext, SignInDeps } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { countSecondFactorFailure, pendingSecondFactor, recordSecondFactorFailure, secondFactorLockedOut } from '../second-factor-result.ts';
import { sendLockedOut } from '../steps/locked-out.ts';
import { claimTotpStep, isWellFormedTotpCode, totpStepOf } from './totp.ts';

export type TotpCheck = { kind: 'right' } | { kind: 'refused'; notice: SignInNotice } | { kind: 'lockedOut' };

/**
 * Checks a typed code against the secrets given (the one being enrolled, or the guest's), with
 * everything around it: the lock-out, the replay of a code already used, counting and logging a
 * wrong one. `lockedOut`: the lock-out page was sent.
 */
export async function checkTotpCode(deps: SignInDeps, ctx: SignInContext, attempt: Attempt, secrets: string[], typed: string): Promise<TotpCheck> {
  const { userId } = pendingSecondFactor(attempt);
  const locked = await secondFactorLockedOut(deps, attempt);
  if (locked.lockedOut) {
    await sendLockedOut(deps, ctx, attempt, 'totp', locked.retryAfterSeconds);
    return { kind: 'lockedOut' };
  }
  const code = typed.replace(/\s+/g, '');
  const matched = isWellFormedTotpCode(code)
    ? secrets.map((secret) => ({ secret, step: totpStepOf(secret, code) })).find((found) => found.step !== undefined)
    : undefined;
  if (matched?.step !== undefined) {
    if (await claimTotpStep(deps.mfa, attempt.tenant.id, userId, matched.secret, matched.step)) return { kind: 'right' };
    // A code already used: seen on the wire, or sent twice. Not a guess, but never good twice.
    await recordSecondFactorFailure(deps, ctx, attempt, 'totp', { kind: 'mfaCodeReplayed' });
    return { kind: 'refused', notice: { key: 'notice.totpReplayed', kind: 'error', status: 400 } };
  }
  const verdict = await countSecondFactorFailure(deps, attempt);
  if (verdict.lockedOut) {
    await sendLockedOut(deps, ctx, attempt, 'totp', verdict.retryAfterSeconds);
    return { kind: 'lockedOut' };
  }
  await recordSecondFactorFailure(deps, ctx, attempt, 'totp', { kind: 'mfaFailed', values: { secondFactor: 'totp' } });
  return { kind: 'refused', notice: { key: 'notice.totpWrong', kind: 'error', status: 400 } };
}
