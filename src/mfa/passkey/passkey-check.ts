import type { Attempt, SignInContext, SignInDeps } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { countSecondFactorFailure, recordSecondFactorFailure, secondFactorLockedOut } from '../second-factor-result.ts';
import { sendLockedOut } from '../steps/locked-out.ts';
import type { PasskeyOutcome, PasskeyRefusal } from './passkey-ceremonies.ts';

export type PasskeyCheck =
  | Extract<PasskeyOutcome, { kind: 'passed' }>
  | { kind: 'refused'; notice: SignInNotice }
  | { kind: 'lockedOut' };

/**
 * A posted passkey response checked with everything around it: the guest's lock-out (as for every
 * second factor), the ceremony itself (`ceremony`), and a refusal counted and logged. A response
 * that came too late (its challenge expired) is not counted: nothing was tried. `lockedOut`: the
 * lock-out page was sent.
 */
export async function checkPasskey(
  deps: SignInDeps, ctx: SignInContext, attempt: Attempt, ceremony: () => Promise<PasskeyOutcome>,
): Promise<PasskeyCheck> {
  const locked = await secondFactorLockedOut(deps, attempt);
  if (locked.lockedOut) {
    await sendLockedOut(deps, ctx, attempt, 'passkey', locked.retryAfterSeconds);
    return { kind: 'lockedOut' };
  }
  const outcome = await ceremony();
  if (outcome.kind === 'passed') return outcome;
  if (outcome.reason !== 'expired') {
    const verdict = await countSecondFactorFailure(deps, attempt);
    if (verdict.lockedOut) {
      await sendLockedOut(deps, ctx, attempt, 'passkey', verdict.retryAfterSeconds);
      return { kind: 'lockedOut' };
    }
  }
  await recordSecondFactorFailure(deps, ctx, attempt, 'passkey', { kind: 'mfaFailed' });
  return { kind: 'refused', notice: NOTICES[outcome.reason] };
}

/** What the page tells the guest. */
const NOTICES: Record<PasskeyRefusal['reason'], SignInNotice> = {
  expired: { key: 'notice.passkeyExpired', kind: 'error', status: 400 },
  malformed: { key: 'notice.passkeyRejected', kind: 'error', status: 400 },
  rejected: { key: 'notice.passkeyRejected', kind: 'error', status: 400 },
  unknownPasskey: { key: 'notice.passkeyUnknown', kind: 'error', status: 400 },
  tooMany: { key: 'notice.passkeyTooMany', kind: 'error', status: 409 },
};
