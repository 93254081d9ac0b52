import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';

import { MFA_ACR, requestsMfa } from '../mfa/guest-mfa-policy.ts';
import type { PolicyWantsSecondFactor } from '../mfa/session-second-factor.ts';

/**
 * Consent is implied in a tenant, as in an Entra B2B tenant whose administrator registered the
 * app: a tenant's own clients get the scopes they ask for, and no guest is ever asked. This file
 * is the one place that says so, in oidc-provider's two terms for it.
 *
 * 1. The interaction policy: oidc-provider's `login` prompt as it is, and a `consent` prompt that
 *    never starts an interaction. It stays requestable: `prompt=consent` is still a valid request
 *    (an app may send it, and implied-offline-consent.ts adds it so that oidc-provider keeps
 *    `offline_access`); it just has nothing to ask. oidc-provider's checks that would ask are
 *    gone: scopes not yet granted (the grant below has them), and "a native app's every
 *    authorization needs the guest" (RFC 8252 8.6), which we answered by granting at once, without
 *    a page. What that last rule still means here is kept as a check of its own: a native app
 *    cannot sign in silently, so `prompt=none` from one answers `interaction_required`; without
 *    `prompt=none`, a guest's session signs them in, as before, one redirect sooner.
 *
 * 2. The grant the authorization then goes on with (`loadExistingGrant`): the client's grant for
 *    the signed-in guest, widened to the requested scopes. oidc-provider only issues codes and
 *    tokens on a grant it loaded here, so the grant cannot move into the policy itself.
 *
 * Before this, the interaction also answered a consent prompt by granting the missing scopes: two
 * places deciding the same thing.
 */
export function impliedConsentPolicy(tenantId: string, policyWants?: PolicyWantsSecondFactor): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  // A session without a second factor does not do for an app that asks for one (acr_values=mfa) or
  // that the tenant's guestMfa policy covers: the guest signs in again, with one (src/mfa).
  policy.get('login')?.checks.add(new interactionPolicy.Check('mfa_required', 'A second factor is required', 'login_required', async ({ oidc }) => {
    const accountId = oidc.session?.accountId;
    if (!accountId || oidc.session?.acr === MFA_ACR) return false;
    if (requestsMfa(oidc.params?.acr_values)) return true;
    return oidc.client && policyWants ? policyWants(tenantId, accountId, oidc.client.clientId) : false;
  }));
  const consent = policy.get('consent');
  consent?.checks.clear();
  // Only ever true for prompt=none, which oidc-provider turns into this error instead of an interaction.
  consent?.checks.add(new interactionPolicy.Check('native_client_silent', 'native clients require End-User interaction', 'interaction_required',
    ({ oidc }) => oidc.client?.applicationType === 'native' && oidc.params?.response_type !== 'none' && oidc.prompts.has('none')));
  return policy;
}

/** oidc-provider's `loadExistingGrant`: the grant, with every requested scope, for a signed-in guest. */
export async function loadImpliedGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  if (!oidc.client || !oidc.session?.accountId) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const requested = [...(oidc.requestParamScopes ?? [])];
  const granted = new Set(existing?.getOIDCScope().split(' ') ?? []);
  if (existing && requested.every((scope) => granted.has(scope))) return existing;
  const grant = existing ?? new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
  if (requested.length > 0) grant.addOIDCScope(requested.join(' '));
  await grant.save();
  return grant;
}
