import type { UserRepository } from '../store/user-repository.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { guestMfaPolicyOf, secondFactorRequirement } from './guest-mfa-policy.ts';

/** Whether the tenant's guestMfa policy wants a second factor of this account signing in to this app. */
export type PolicyWantsSecondFactor = (tenantId: string, accountId: string, clientId: string) => Promise<boolean>;

/**
 * For oidc-provider's login prompt (implied-consent.ts): a session from a sign-in without a second
 * factor (to an app outside the policy, or before the policy was on) does not sign the guest in
 * to an app the policy covers; they sign in again, with one.
 */
export function policyWantsSecondFactor(directory: TenantDirectory, users: UserRepository): PolicyWantsSecondFactor {
  return async (tenantId, accountId, clientId) => {
    const tenant = await directory.resolve(tenantId);
    if (!tenant) return false;
    const policy = guestMfaPolicyOf(tenant);
    // Most tenants have no policy on: then no sign-in needs the account read (a Redis round trip).
    if (policy.state !== 'enabled') return false;
    const user = await users.find(tenantId, accountId);
    return user !== undefined && secondFactorRequirement(policy, user, clientId, undefined).required;
  };
}
