import type { User } from '../guests/user.ts';
import type { SignInMethod } from '../interaction/home-realm-discovery.ts';
import { type Attempt, finishInteraction, pageUrl, redirect, saveAttempt, type SignInContext, type SignInDeps } from '../interaction/sign-in-context.ts';
import { recordSignIn } from '../interaction/sign-in-recording.ts';
import { guestMfaPolicyOf, secondFactorRequirement } from './guest-mfa-policy.ts';
import { secondFactorMethod } from './second-factor-methods.ts';

export interface FirstFactor {
  user: User;
  /** Its amr values: ["otp"] for an email code, the upstream's own (possibly none). */
  amr: string[];
  method: SignInMethod;
}

/**
 * The first factor passed (an email code, an upstream sign-in, an invitation's): the sign-in ends
 * here, or, when the tenant's guestMfa policy applies to this guest and app or the app sent
 * `acr_values=mfa`, goes on to the second factor (`/mfa`, mfa-routes.ts). One that is due but that
 * no method of the deployment can give ends in `unmet_authentication_requirements` for the app.
 */
export async function afterFirstFactor(deps: SignInDeps, ctx: SignInContext, attempt: Attempt, first: FirstFactor): Promise<void> {
  const { user, amr, method } = first;
  const requirement = secondFactorRequirement(guestMfaPolicyOf(attempt.tenant), user, String(attempt.interaction.params.client_id), attempt.interaction.params.acr_values);
  if (!requirement.required) {
    // Both writes leave together (the log entry never fails, so it cannot stop the sign-in).
    await Promise.all([
      recordSignIn(deps, ctx, attempt.tenant, attempt, { user, method }),
      finishInteraction(ctx, attempt, { login: { accountId: user.id, remember: true, ...(amr.length > 0 ? { amr } : {}) } }),
    ]);
    return;
  }
  const methods = requirement.methods.filter((kind) => secondFactorMethod(kind) !== undefined);
  if (methods.length === 0) {
    await Promise.all([
      recordSignIn(deps, ctx, attempt.tenant, attempt, { user, method, failure: { kind: 'mfaUnavailable' } }),
      finishInteraction(ctx, attempt, { error: 'unmet_authentication_requirements', error_description: 'No second factor is available for this sign-in.' }),
    ]);
    return;
  }
  attempt.state = { ...attempt.state, secondFactor: { userId: user.id, firstAmr: amr, firstMethod: method, methods, reason: requirement.reason } };
  await saveAttempt(deps, attempt);
  redirect(ctx, pageUrl(attempt, '/mfa'));
}
