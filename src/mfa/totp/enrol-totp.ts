import { randomUUID } from 'node:crypto';

import { checkCsrf, formValue, loadAttempt, pageUrl, redirect, saveAttempt, type SignInContext, type SignInDeps, type Attempt } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { TOTP_DIGITS } from '../../limits.ts';
import { sendMfaPage } from '../mfa-page.ts';
import { pendingSecondFactor, secondFactorPassed } from '../second-factor-result.ts';
import { mayEnrol } from '../steps/choose-method.ts';
import { checkTotpCode } from './totp-check.ts';
import { groupedSecret, newTotpSecret, totpQrSvg, totpUri } from './totp.ts';
import { sealTotpSecret } from './totp-secret.ts';

const PENDING_SECRET = 'totp.secret';

/** The secret being enrolled in this sign-in, made on first sight and kept (sealed) in its state. */
async function secretBeingEnrolled(deps: SignInDeps, attempt: Attempt): Promise<string> {
  const pending = pendingSecondFactor(attempt);
  const bound = `totp-enrolment:${attempt.tenant.id}:${attempt.uid}`;
  const sealed = pending.pending?.[PENDING_SECRET];
  if (sealed) return deps.mfa.secrets.open(sealed, bound);
  const secret = newTotpSecret();
  attempt.state = { ...attempt.state, secondFactor: { ...pending, pending: { ...pending.pending, [PENDING_SECRET]: deps.mfa.secrets.seal(secret, bound) } } };
  await saveAttempt(deps, attempt);
  return secret;
}

/** GET `/mfa/totp/enrol`: the QR code and the secret for the guest's authenticator app, and a field for its first code. */
export async function showTotpEnrolment(deps: SignInDeps, ctx: SignInContext, notice?: SignInNotice): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  if (!(await mayEnrol(deps, attempt, 'totp'))) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const secret = await secretBeingEnrolled(deps, attempt);
  const account = attempt.state.email ?? '';
  const qrSvg = await totpQrSvg(totpUri(secret, attempt.tenant.displayName, account));
  sendMfaPage(deps, ctx, attempt, 'mfa-totp-enrol', 'totp.enrol.title', {
    qrSvg,
    secret: groupedSecret(secret),
    digits: TOTP_DIGITS,
    actions: { enrol: pageUrl(attempt, '/mfa/totp/enrol') },
  }, notice);
}

/** POST `/mfa/totp/enrol`: the app's first code proves it holds the secret; only then is it the guest's. */
export async function enrolTotp(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  if (!(await mayEnrol(deps, attempt, 'totp'))) return redirect(ctx, pageUrl(attempt, '/mfa'));
  const pending = pendingSecondFactor(attempt);
  if (!pending.pending?.[PENDING_SECRET]) return redirect(ctx, pageUrl(attempt, '/mfa/totp/enrol'));
  const secret = await secretBeingEnrolled(deps, attempt);
  const check = await checkTotpCode(deps, ctx, attempt, [secret], formValue(ctx, 'code'));
  if (check.kind === 'lockedOut') return;
  if (check.kind === 'refused') return showTotpEnrolment(deps, ctx, check.notice);
  const id = randomUUID();
  await deps.mfa.methods.save(attempt.tenant.id, pending.userId, {
    id,
    type: 'totp',
    createdDateTime: new Date().toISOString(),
    displayName: 'Authenticator app',
    data: { secret: sealTotpSecret(deps.mfa, attempt.tenant.id, pending.userId, id, secret) },
  });
  await secondFactorPassed(deps, ctx, attempt, { kind: 'totp', amr: ['otp'] });
}
