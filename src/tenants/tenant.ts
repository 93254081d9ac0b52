import type { EmailOtpPolicyState } from '../guests/email-otp-policy.ts';
import type { InvitationRedemptionConfiguration } from '../guests/redemption-configuration.ts';
import type { GuestMfaPolicy } from '../mfa/guest-mfa-policy.ts';
import { RESERVED_TENANT_IDS } from '../limits.ts';
import type { SigningAlgorithm } from './signing-keys.ts';

/** An organization using guest-idp: its own issuer, keys, clients and guests. */
export interface Tenant {
  /** Lower-case slug or UUID; the path segment of its issuer. */
  id: string;
  displayName: string;
  /** Lower-case DNS names that may stand in for the id in any URL, and that mark its members' addresses. */
  verifiedDomains: string[];
  createdDateTime: string;
  /**
   * Grows whenever something a built Provider depends on changes (signing keys, display name), so
   * every process notices it must rebuild that tenant's Provider.
   */
  revision: number;
  /**
   * Chosen at creation and never reused, even when a tenant with the same id is created again
   * after a delete; with `revision` it keys what processes cache of the tenant (Providers, clients,
   * identity providers), so nothing of a deleted tenant is served for its successor. Missing on
   * tenants created before generations existed.
   */
  generation?: string;
  /** Grows with every write; writes are compare-and-set on it (store/record-version.ts). Missing on old records. */
  version?: number;
  /** Email one-time passcode policy; missing means `default`. */
  emailOtpPolicy?: EmailOtpPolicyState;
  /** Second factor for guests (src/mfa/guest-mfa-policy.ts); missing means disabled. */
  guestMfaPolicy?: GuestMfaPolicy;
  /** Order of home-realm discovery; missing means Microsoft's documented order. */
  invitationRedemption?: InvitationRedemptionConfiguration;
  /**
   * How the tenant's ID tokens are signed for clients that registered no algorithm of their own
   * (a client's `id_token_signed_response_alg` wins); missing means DEFAULT_ID_TOKEN_SIGNING_ALGORITHM.
   */
  idTokenSigningAlgorithm?: SigningAlgorithm;
}

/** oidc-provider's default, and what every relying party supports (OpenID Connect Core 15.1). */
export const DEFAULT_ID_TOKEN_SIGNING_ALGORITHM: SigningAlgorithm = 'RS256';

export function idTokenSigningAlgorithmOf(tenant: Pick<Tenant, 'idTokenSigningAlgorithm'>): SigningAlgorithm {
  return tenant.idTokenSigningAlgorithm ?? DEFAULT_ID_TOKEN_SIGNING_ALGORITHM;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function isValidTenantId(id: string): boolean {
  return SLUG.test(id) && !RESERVED_TENANT_IDS.has(id);
}

/** A DNS name with at least two labels; the last one alphabetic (so it cannot be mistaken for an id). */
export function isValidDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  return labels.length >= 2
    && labels.every((label) => DOMAIN_LABEL.test(label))
    && /^[a-z]{2,63}$/.test(labels[labels.length - 1] as string);
}

/** What identifies one incarnation of a tenant: its id and generation. */
export type TenantRef = Pick<Tenant, 'id' | 'generation'>;

/** The generation of a tenant record; records older than generations share one. */
export function generationOf(tenant: TenantRef): string {
  return tenant.generation ?? 'before-generations';
}

export function issuerOf(baseUrl: string, tenantId: string): string {
  return `${baseUrl}/${tenantId}/v2.0`;
}

/** The tenant id an issuer of this deployment names; undefined for any other issuer. */
export function tenantIdOfIssuer(baseUrl: string, issuer: string): string | undefined {
  const prefix = `${baseUrl}/`;
  if (!issuer.startsWith(prefix) || !issuer.endsWith('/v2.0')) return undefined;
  const tenantId = issuer.slice(prefix.length, -'/v2.0'.length);
  return isValidTenantId(tenantId) ? tenantId : undefined;
}

/** The domain part of an email address, lower-cased; undefined when there is none. */
export function domainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at > 0 ? email.slice(at + 1).toLowerCase() : undefined;
}
