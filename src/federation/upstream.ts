import type { SignInSource } from '../guests/user.ts';

/** Where a guest signs in when it is not with an emailed code. */
export type FederatedSource = Exclude<SignInSource, 'EmailOTP'>;

/**
 * An upstream identity provider chosen by home-realm discovery, without secrets: what the sign-in
 * state may hold. The federation code resolves it to client credentials when it needs them.
 */
export interface UpstreamReference {
  source: FederatedSource;
  issuer: string;
  /** Shown to the guest: "Continue to …", "Sign-in at … failed". */
  displayName: string;
  /** DirectFederation and Google: the tenant's identity provider. */
  identityProviderId?: string;
  /** HomeTenant: the guest's home tenant in this deployment. */
  homeTenantId?: string;
}

/** The client this deployment is at an upstream provider. */
export interface UpstreamClient {
  issuer: string;
  clientId: string;
  /** Undefined: a public client (PKCE only), as tenants of this deployment are to each other. */
  clientSecret: string | undefined;
}

/**
 * The client a tenant of this deployment is at another tenant (its home-tenant federation): one
 * per resource tenant, known to every tenant without registration, public, and able to send codes
 * only to the resource tenant's own federation callback.
 */
export const TENANT_CLIENT_PREFIX = 'guest-idp-tenant-';

export function tenantClientId(resourceTenantId: string): string {
  return `${TENANT_CLIENT_PREFIX}${resourceTenantId}`;
}

export function federationCallbackUrl(issuer: string): string {
  return `${issuer}/federation/callback`;
}
