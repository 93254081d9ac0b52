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

export type UnavailableReason = 'noMethod';

export interface DiscoveryContext {
  tenant: Tenant;
  email: string;
  /** The tenant's user with this address, when there is one. */
  user: User | undefined;
}

export type DiscoveryStep = (context: DiscoveryContext) => Promise<SignInMethod | undefined>;

export async function discoverSignInMethod(steps: readonly DiscoveryStep[], context: DiscoveryContext): Promise<SignInMethod> {
  for (const step of steps) {
    const method = await step(context);
    if (method) return method;
  }
  return { kind: 'unavailable', reason: 'noMethod' };
}

/** Email one-time passcode: the fallback for every address. */
export const emailOneTimePasscode: DiscoveryStep = async () => ({ kind: 'EmailOTP' });
