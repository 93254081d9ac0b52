import { SIGN_IN_SOURCES, type SignInSource, type User } from '../guests/user.ts';
import { SECOND_FACTOR_KINDS, type SecondFactorKind } from './authentication-method.ts';

/**
 * A tenant's guest MFA policy (`/admin/tenants/{t}/policies/guestMfa`): off, or on for all guests,
 * for guests of some sources, or for some apps. A relying party may also ask for a second factor
 * itself with `acr_values=mfa`, whatever the policy says (of anyone signing in, members too).
 */
export interface GuestMfaPolicy {
  state: 'disabled' | 'enabled';
  /** The second factors guests may enrol and use; a non-empty list. */
  methods: SecondFactorKind[];
  /** Empty (no field): every guest, every app. Both given: a guest of one of the sources signing in to one of the apps. */
  appliesTo: { sources?: SignInSource[]; clientIds?: string[] };
}

export const GUEST_MFA_POLICY_STATES = ['disabled', 'enabled'] as const;
export const GUEST_MFA_SOURCES = SIGN_IN_SOURCES;

export const DEFAULT_GUEST_MFA_POLICY: GuestMfaPolicy = { state: 'disabled', methods: [...SECOND_FACTOR_KINDS], appliesTo: {} };

export function guestMfaPolicyOf(tenant: { guestMfaPolicy?: GuestMfaPolicy }): GuestMfaPolicy {
  return tenant.guestMfaPolicy ?? DEFAULT_GUEST_MFA_POLICY;
}

/** The acr value of a sign-in with a second factor (OpenID Connect Core 2; what acr_values asks for). */
export const MFA_ACR = 'mfa';

/** Whether an authorization request's acr_values asks for a second factor. */
export function requestsMfa(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(MFA_ACR);
}

export type SecondFactorRequirement =
  | { required: false }
  /** `methods`: what the guest may enrol or use, in the policy's order. */
  | { required: true; methods: SecondFactorKind[]; reason: 'policy' | 'acrValues' };

/**
 * Whether this sign-in needs a second factor: the policy applies to the guest (a guest, of a listed
 * source) and the app (a listed client), or the relying party sent `acr_values` with `mfa`.
 * Asked by the app without the policy, every method the deployment has is allowed.
 */
export function secondFactorRequirement(
  policy: GuestMfaPolicy, user: Pick<User, 'userType' | 'source'>, clientId: string, acrValues: unknown,
): SecondFactorRequirement {
  const { sources, clientIds } = policy.appliesTo;
  const byPolicy = policy.state === 'enabled'
    && user.userType === 'Guest'
    && (!sources || (user.source !== null && sources.includes(user.source)))
    && (!clientIds || clientIds.includes(clientId));
  if (byPolicy) return { required: true, methods: policy.methods, reason: 'policy' };
  if (requestsMfa(acrValues)) return { required: true, methods: policy.state === 'enabled' ? policy.methods : [...SECOND_FACTOR_KINDS], reason: 'acrValues' };
  return { required: false };
}
