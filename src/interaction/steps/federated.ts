import { federationCallbackUrl } from '../../federation/upstream.ts';
import { issuerOf } from '../../tenants/tenant.ts';
import { afterFirstFactor } from '../../mfa/second-factor-gate.ts';
import { loadAttempt, pageUrl, type SignInContext, type SignInDeps, upstreamLeg } from '../sign-in-context.ts';
import { SignInProblem, upstreamProblem } from '../sign-in-problem.ts';

/**
 * GET `/federated`: back from upstream (through /federation/callback, which has no interaction
 * cookie): redeem the code, verify the ID token, link or check the guest, finish the sign-in.
 */
export async function federated(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  const { tenant } = attempt;
  const federationState = typeof ctx.query.state === 'string' ? ctx.query.state : '';
  const federation = federationState ? await deps.signIns.takeFederation(tenant.id, federationState) : undefined;
  const retryUrl = pageUrl(attempt, '/federate');
  if (!federation || federation.uid !== attempt.uid) throw SignInProblem.federationTooLate(retryUrl);
  const { upstream } = federation;
  let signedIn;
  try {
    const client = await deps.upstreamClients.clientFor(tenant, upstream);
    const callbackUrl = new URL(federationCallbackUrl(issuerOf(deps.baseUrl, tenant.id)));
    callbackUrl.search = ctx.querystring;
    signedIn = await deps.connector.exchange(client, callbackUrl, { state: federationState, nonce: federation.nonce, codeVerifier: federation.codeVerifier }, upstreamLeg(ctx));
  } catch (error) {
    throw upstreamProblem(error, upstream, retryUrl);
  }
  const user = await deps.users.findByMail(tenant.id, federation.email);
  const outcome = await deps.redemptions.recordFederatedSignIn(tenant.id, user, upstream.source, signedIn, upstream.identityProviderId);
  if (outcome.kind === 'refused') throw SignInProblem.refused(outcome.reason, upstream, federation.email, tenant.displayName, signedIn.email, retryUrl);
  // Signed in, or on to a second factor (src/mfa).
  await afterFirstFactor(deps, ctx, attempt, { user: outcome.user, amr: signedIn.amr ?? [], method: { kind: 'federation', upstream } });
}
