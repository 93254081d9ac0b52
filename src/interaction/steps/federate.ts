import { randomBytes } from 'node:crypto';

import { federationCallbackUrl } from '../../federation/upstream.ts';
import { FEDERATION_STATE_TTL_SECONDS } from '../../limits.ts';
import { issuerOf } from '../../tenants/tenant.ts';
import { discover, loadAttempt, pageUrl, redirect, saveAttempt, seeStep, type SignInContext, type SignInDeps, upstreamLeg } from '../sign-in-context.ts';
import { upstreamProblem } from '../sign-in-problem.ts';

/** GET `/federate`: sends the guest to the upstream provider discovery chose, with state, nonce and PKCE. */
export async function federate(deps: SignInDeps, ctx: SignInContext): Promise<void> {
  const attempt = await loadAttempt(deps, ctx);
  const { state, tenant } = attempt;
  if (!state.email) return seeStep(ctx, attempt);
  // Discovery ran when the address was given (its consumer-account lookup is an HTTP call); only
  // an attempt without that answer runs it here.
  const method = state.method?.kind === 'federation' ? state.method : (await discover(deps, tenant, state.email)).method;
  if (method.kind !== 'federation') {
    attempt.state = { ...state, method };
    await saveAttempt(deps, attempt);
    return seeStep(ctx, attempt);
  }
  const federationState = randomBytes(24).toString('base64url');
  const nonce = randomBytes(24).toString('base64url');
  const codeVerifier = randomBytes(32).toString('base64url');
  let location: string;
  try {
    const client = await deps.upstreamClients.clientFor(tenant, method.upstream);
    await deps.signIns.saveFederation(tenant.id, federationState, {
      uid: attempt.uid, upstream: method.upstream, email: state.email, nonce, codeVerifier,
    }, FEDERATION_STATE_TTL_SECONDS);
    location = await deps.connector.authorizationUrl(client, {
      redirectUri: federationCallbackUrl(issuerOf(deps.baseUrl, tenant.id)),
      state: federationState, nonce, codeVerifier, loginHint: state.email,
    }, upstreamLeg(ctx));
  } catch (error) {
    throw upstreamProblem(error, method.upstream, pageUrl(attempt, '/federate'));
  }
  if (state.method?.kind !== 'federation') {
    attempt.state = { ...state, method };
    await saveAttempt(deps, attempt);
  }
  redirect(ctx, location);
}
