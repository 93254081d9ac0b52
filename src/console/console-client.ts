import type { ClientMetadata } from 'oidc-provider';

import type { Tenant } from '../tenants/tenant.ts';

/**
 * The tenant console is a built-in client of every tenant, like the redemption client: not stored
 * per tenant, but part of each tenant's oidc-provider configuration (provider-configuration.ts).
 * A public client (no secret): code flow with PKCE S256, the provider requires it of public clients.
 */
export const CONSOLE_CLIENT_ID = 'guest-idp-console';

/** `${BASE_URL}/{t}/console`, without the trailing slash. */
export function consoleBase(baseUrl: string, tenantId: string): string {
  return `${baseUrl}/${encodeURIComponent(tenantId)}/console`;
}

/** The path the console's cookies are scoped to. */
export function consolePath(tenantId: string): string {
  return `/${encodeURIComponent(tenantId)}/console/`;
}

export function consoleRedirectUri(baseUrl: string, tenantId: string): string {
  return `${consoleBase(baseUrl, tenantId)}/callback`;
}

export function consoleSignedOutUri(baseUrl: string, tenantId: string): string {
  return `${consoleBase(baseUrl, tenantId)}/signed-out`;
}

/** The console's client metadata in a tenant (its name is what the sign-in pages say they continue to). */
export function consoleClientMetadata(baseUrl: string, tenant: Tenant): ClientMetadata {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: `${tenant.displayName} console`,
    redirect_uris: [consoleRedirectUri(baseUrl, tenant.id)],
    post_logout_redirect_uris: [consoleSignedOutUri(baseUrl, tenant.id)],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'none',
  };
}
