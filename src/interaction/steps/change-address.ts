import { checkCsrf, loadAttempt, saveAttempt, seeStep, type SignInContext, type SignInDeps } from '../sign-in-context.ts';

/** POST `/change-address`: back to the address, forgetting any code sent to the old one. */
export async function changeAddress(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  if (!attempt.state.emailLocked) {
    attempt.state = { csrfToken: attempt.state.csrfToken, locale: attempt.state.locale };
    await deps.signIns.discardPasscode(attempt.tenant.id, attempt.uid);
    await saveAttempt(deps, attempt);
  }
  seeStep(ctx, attempt);
}
