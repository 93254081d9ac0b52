import type { User } from '../guests/user.ts';
import type { Tenant } from '../tenants/tenant.ts';

/**
 * Home-realm discovery: after the guest gives an address, an ordered list of small steps decides
 * how they sign in. Each step answers "mine: this method" or "not mine" (undefined); the first
 * answer wins. The list is the readable statement of the redemption order.
 */

export type SignInMethod =
  | { kind: 'EmailOTP' }
  | { kind: 'unavailable'; reason: UnavailableReason };

/**
 * - noMethod: nothing in the chain can sign this address in.
 * - emailOtpDisabled: the guest redeemed with email codes, and the tenant has turned them off.
 * - methodUnavailable: the guest redeemed with a method this deployment cannot offer (any more).
 */
export type UnavailableReason = 'noMethod' | 'emailOtpDisabled' | 'methodUnavailable';

export interface DiscoveryContext {
  tenant: Tenant;
  email: string;
  /** The tenant's user with this address, when there is one. */
  user: User | undefined;
  /** The tenant's email one-time passcode policy, resolved against the deployment default. */
  emailOtpEnabled: boolean;
}

export type DiscoveryStep = (context: DiscoveryContext) => Promise<SignInMethod | undefined>;

export async function discoverSignInMethod(steps: readonly DiscoveryStep[], context: DiscoveryContext): Promise<SignInMethod> {
  for (const step of steps) {
    const method = await step(context);
    if (method) return method;
  }
  return { kind: 'unavailable', reason: 'noMethod' };
}

/**
 * 1. Sticky: a guest who redeemed signs in with the method recorded then, even if they have
 * another account now, until an administrator resets the redemption.
 */
export const redeemedMethod: DiscoveryStep = async ({ user, emailOtpEnabled }) => {
  if (user?.userType !== 'Guest' || user.externalUserState !== 'Accepted' || !user.source) return undefined;
  if (user.source === 'EmailOTP') return emailOtpEnabled ? { kind: 'EmailOTP' } : { kind: 'unavailable', reason: 'emailOtpDisabled' };
  return { kind: 'unavailable', reason: 'methodUnavailable' };
};

/** 6. Email one-time passcode: the fallback for every address, when the tenant's policy enables it. */
export const emailOneTimePasscode: DiscoveryStep = async ({ emailOtpEnabled }) => (emailOtpEnabled ? { kind: 'EmailOTP' } : undefined);
