import { durationInWords } from '../../i18n/durations.ts';
import { guestLocale } from '../../i18n/guest-locale.ts';
import type { Attempt, SignInContext, SignInDeps } from '../../interaction/sign-in-context.ts';
import { sendMfaPage } from '../mfa-page.ts';
import { recordSecondFactorFailure, type SecondFactorUsed } from '../second-factor-result.ts';

/**
 * Too many wrong second factors for this guest: a page that says how long until they can try
 * again (429), and the log entry. Nothing else is offered but cancel: a new sign-in meets the same lock.
 */
export async function sendLockedOut(deps: SignInDeps, ctx: SignInContext, attempt: Attempt, kind: SecondFactorUsed, retryAfterSeconds: number): Promise<void> {
  await recordSecondFactorFailure(deps, ctx, attempt, kind, {
    kind: 'mfaLockedOut', values: { lockedUntil: new Date(Date.now() + retryAfterSeconds * 1000).toISOString() },
  });
  ctx.set('Retry-After', String(retryAfterSeconds));
  sendMfaPage(deps, ctx, attempt, 'mfa-locked-out', 'mfa.lockedOut.title', { wait: durationInWords(guestLocale(ctx), retryAfterSeconds) });
  ctx.status = 429;
}
