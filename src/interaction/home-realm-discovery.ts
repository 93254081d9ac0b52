import type { UpstreamReference } from '../federation/upstream.ts';
import {
  DEFAULT_REDEMPTION_CONFIGURATION, type FallbackIdentityProvider, type InvitationRedemptionConfiguration,
} from '../guests/redemption-configuration.ts';
import type { User } from '../guests/user.ts';
import type { Tenant } from '../tenants/tenant.ts';

/**
 * Home-realm discovery: after the guest gives an address, an ordered list of small steps decides
 * how they sign in. Each step answers "mine: this method" or "not mine" (undefined); the first
 * answer wins. `redemptionChain` is the readable statement of the redemption order.
 */

export type SignInMethod =
  | { kind: 'EmailOTP' }
  | { kind: 'federation'; upstream: UpstreamReference }
  | { kind: 'unavailable'; reason: UnavailableReason };

/**
 * - noMethod: nothing in the chain can sign this address in (step 7).
 * - emailOtpDisabled: the guest redeemed with email codes, and the tenant has turned them off.
 * - methodUnavailable: the guest redeemed at a provider this tenant no longer offers.
 */
export type UnavailableReason = 'noMethod' | 'emailOtpDisabled' | 'methodUnavailable';

export interface DiscoveryContext {
  tenant: Tenant;
  email: string;
  /** The lower-case domain part of the address. */
  domain: string;
  /** The tenant's user with this address, when there is one. */
  user: User | undefined;
  /** The tenant's email one-time passcode policy, resolved against the deployment default. */
  emailOtpEnabled: boolean;
}

export type DiscoveryStep = (context: DiscoveryContext) => Promise<SignInMethod | undefined>;

/** The steps by the names of the redemption configuration, plus the sticky first step. */
export interface DiscoverySteps {
  /** 1. The method recorded when the guest redeemed (sticky). */
  redeemedMethod: DiscoveryStep;
  /** 2. The guest's home tenant in this deployment. */
  azureActiveDirectory: DiscoveryStep;
  /** 3. The tenant's direct federation for the domain. */
  externalFederation: DiscoveryStep;
  /** 4. Google, for gmail.com and googlemail.com. */
  socialIdentityProviders: DiscoveryStep;
  /** 5. The deployment's consumer-account provider, when the address has an account there. */
  microsoftAccount: DiscoveryStep;
  /** 6. Email one-time passcode, when the tenant's policy enables it. */
  emailOneTimePasscode: DiscoveryStep;
}

const FALLBACKS: Record<FallbackIdentityProvider, ReadonlyArray<keyof DiscoverySteps>> = {
  defaultConfiguredIdp: ['microsoftAccount', 'emailOneTimePasscode'],
  microsoftAccount: ['microsoftAccount'],
  emailOneTimePasscode: ['emailOneTimePasscode'],
};

/**
 * The chain for a tenant, top to bottom: sticky, the primary providers in the tenant's order,
 * then its fallback; when none answers, step 7 (no method).
 */
export function redemptionChain(configuration: InvitationRedemptionConfiguration | undefined, steps: DiscoverySteps): DiscoveryStep[] {
  const { primaryIdentityProviderPrecedenceOrder, fallbackIdentityProvider } = configuration ?? DEFAULT_REDEMPTION_CONFIGURATION;
  return [
    steps.redeemedMethod,
    ...primaryIdentityProviderPrecedenceOrder.map((name) => steps[name]),
    ...FALLBACKS[fallbackIdentityProvider].map((name) => steps[name]),
  ];
}

export async function discoverSignInMethod(steps: readonly DiscoveryStep[], context: DiscoveryContext): Promise<SignInMethod> {
  for (const step of steps) {
    const method = await step(context);
    if (method) return method;
  }
  return { kind: 'unavailable', reason: 'noMethod' };
}
