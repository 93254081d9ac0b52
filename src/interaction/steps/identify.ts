import { isEmailAddress, normalizeEmail } from '../../guests/user.ts';
import { checkCsrf, discover, formValue, loadAttempt, saveAttempt, seeStep, type SignInContext, type SignInDeps } from '../sign-in-context.ts';
import { INVALID_EMAIL } from '../sign-in-notice.ts';
import { renderStep } from './show-step.ts';

/** POST `/identify`: the guest's address, and home-realm discovery for it. */
export async function identify(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  // An invitation's address is the invitation's.
  if (attempt.state.emailLocked) return seeStep(ctx, attempt);
  const email = normalizeEmail(formValue(ctx, 'email'));
  if (!isEmailAddress(email)) return renderStep(deps, ctx, attempt, INVALID_EMAIL);
  attempt.state = { csrfToken: attempt.state.csrfToken, locale: attempt.state.locale, email, method: (await discover(deps, attempt.tenant, email)).method };
  await saveAttempt(deps, attempt);
  seeStep(ctx, attempt);
}
