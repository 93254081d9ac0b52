import { isHttpsOrDevelopmentHttp } from '../https-urls.ts';

/**
 * A tenant's upstream identity provider, as the admin API manages it: direct federation with an
 * OIDC provider that claims the guests' domains, or Google for gmail.com and googlemail.com.
 */
export type IdentityProviderType = 'google' | 'oidc';

export interface IdentityProvider {
  /** Chosen by the administrator (the `{id}` of `/identityProviders/{id}`). */
  id: string;
  type: IdentityProviderType;
  displayName: string;
  issuer: string;
  clientId: string;
  /** Lower-case domains whose addresses sign in here. */
  domains: string[];
  createdDateTime: string;
}

/** Google federation is for Google's consumer domains, as in Entra ID. */
export const GOOGLE_DOMAINS = ['gmail.com', 'googlemail.com'] as const;

/** https anywhere; http only on loopback (test and development identity providers). */
export function isAcceptableIssuer(value: string): boolean {
  const url = URL.parse(value);
  if (!url || url.search || url.hash || url.username || url.password) return false;
  return isHttpsOrDevelopmentHttp(url);
}
