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
export const GOOGLE_ISSUER = 'https://accounts.google.com';

/** What an administrator gives for an identity provider (admin API body or console form), secret aside. */
export interface IdentityProviderSettings {
  type: IdentityProviderType;
  displayName?: string;
  issuer?: string;
  clientId: string;
  domains?: string[];
}

/**
 * The record to store for `settings` under `id`: Google's issuer and domains when not given, a
 * display name from the issuer's host, and the creation time of the record it replaces.
 */
export function identityProviderRecord(id: string, settings: IdentityProviderSettings, existing: IdentityProvider | undefined): IdentityProvider {
  const issuer = settings.issuer ?? GOOGLE_ISSUER;
  return {
    id,
    type: settings.type,
    displayName: settings.displayName ?? (settings.type === 'google' ? 'Google' : new URL(issuer).host),
    issuer,
    clientId: settings.clientId,
    domains: settings.type === 'google' ? settings.domains ?? [...GOOGLE_DOMAINS] : settings.domains ?? [],
    createdDateTime: existing?.createdDateTime ?? new Date().toISOString(),
  };
}

/** https anywhere; http only on loopback (test and development identity providers). */
export function isAcceptableIssuer(value: string): boolean {
  const url = URL.parse(value);
  if (!url || url.search || url.hash || url.username || url.password) return false;
  return isHttpsOrDevelopmentHttp(url);
}
