import { recordSignIn } from '../sign-in-recording.ts';
import { checkCsrf, finishInteraction, loadAttempt, type SignInContext, type SignInDeps } from '../sign-in-context.ts';

/** POST `/cancel`: the guest gives up; the app gets access_denied. */
export async function cancel(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  checkCsrf(ctx, attempt);
  await recordSignIn(deps, ctx, attempt.tenant, attempt, { failure: { kind: 'cancelled' } });
  await finishInteraction(ctx, attempt, { error: 'access_denied', error_description: 'The guest cancelled the sign-in.' });
}
