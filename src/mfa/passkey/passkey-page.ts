import { type Attempt, pageUrl, type SignInContext, type SignInDeps } from '../../interaction/sign-in-context.ts';
import type { SignInNotice } from '../../interaction/sign-in-notice.ts';
import { SignInProblem } from '../../interaction/sign-in-problem.ts';
import { PASSKEY_PAGE_CONTENT_SECURITY_POLICY } from '../../web/pages.ts';
import { sendMfaPage } from '../mfa-page.ts';
import { pendingSecondFactor } from '../second-factor-result.ts';
import { passkeyCeremoniesOf } from './passkey-ceremonies-of.ts';

/**
 * A passkey page (interactions/mfa-passkey-enrol.ejs, mfa-passkey-verify.ejs): the WebAuthn
 * options, with a fresh challenge stored for this sign-in, in a data attribute of the form that
 * /static/passkey.js hands to the browser; the response goes back in the same form, with the
 * CSRF token. The one kind of sign-in page that runs script, and only ours: the page CSP plus
 * `script-src 'self'`. A page that cannot run it says so and offers the other ways on.
 */
export async function sendPasskeyPage(
  deps: SignInDeps, ctx: SignInContext, attempt: Attempt, ceremony: 'registration' | 'authentication', notice?: SignInNotice,
): Promise<void> {
  const pending = pendingSecondFactor(attempt);
  const user = await deps.users.find(attempt.tenant.id, pending.userId);
  if (!user) throw SignInProblem.expired();
  const ceremonies = passkeyCeremoniesOf(deps);
  const context = { tenant: attempt.tenant, uid: attempt.uid, user };
  const options = ceremony === 'registration' ? await ceremonies.registrationOptions(context) : await ceremonies.authenticationOptions(context);
  const enrolling = ceremony === 'registration';
  sendMfaPage(deps, ctx, attempt, enrolling ? 'mfa-passkey-enrol' : 'mfa-passkey-verify', enrolling ? 'passkey.enrol.title' : 'passkey.verify.title', {
    options: JSON.stringify(options),
    ceremony,
    // Enrolling, another allowed method; using, another enrolled one or a recovery code.
    canChoose: pending.methods.length > 1,
    email: user.mail,
    actions: { passkey: pageUrl(attempt, enrolling ? '/mfa/passkey/enrol' : '/mfa/passkey/verify') },
  }, notice, PASSKEY_PAGE_CONTENT_SECURITY_POLICY);
}
