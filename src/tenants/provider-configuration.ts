import type { JWK } from 'jose';
import type { Configuration, FindAccount, KoaContextWithOIDC } from 'oidc-provider';

import type { Config } from '../config.ts';
import { consoleClientMetadata } from '../console/console-client.ts';
import { errors } from 'oidc-provider';

import { TENANT_ADMIN_TOKEN_TTL, TOKEN_TTL } from '../limits.ts';
import type { ClientRepository } from '../store/client-repository.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import { oidcAdapterFactory } from '../store/oidc-adapter.ts';
import type { OutboundHttp } from '../outbound/outbound-http.ts';
import { federationCallbackUrl, TENANT_CLIENT_PREFIX } from '../federation/upstream.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { DEFAULT_LOCALE, LOCALES, t } from '../i18n/translate.ts';
import type { Pages } from '../web/pages.ts';
import { sendProblemPage } from '../web/problem-page.ts';
import { impliedConsentPolicy, loadImpliedGrant } from './implied-consent.ts';
import { oidcErrorProblem } from './oidc-error-problem.ts';
import { idTokenSigningAlgorithmOf, issuerOf, isValidTenantId, type Tenant } from './tenant.ts';
import type { TenantDirectory } from './tenant-directory.ts';
import { MFA_ACR } from '../mfa/guest-mfa-policy.ts';
import type { PolicyWantsSecondFactor } from '../mfa/session-second-factor.ts';

/**
 * oidc-provider's configuration for one tenant, as plain data. Everything protocol-shaped is
 * oidc-provider's own behaviour switched on here; nothing of it is re-implemented.
 */

export interface ProviderDependencies {
  config: Config;
  store: KeyValueStore;
  keys: Keys;
  clients: ClientRepository;
  pages: Pages;
  /** oidc-provider's account lookup for one tenant. */
  accountsFor: (tenant: Tenant) => FindAccount;
  directory: TenantDirectory;
  /** What oidc-provider fetches for a tenant's clients (jwks_uri, sector identifiers, back-channel logout). */
  outbound: OutboundHttp;
  /** Whether the guestMfa policy wants a second factor of a session's account for an app (src/mfa). */
  policyWantsSecondFactor?: PolicyWantsSecondFactor;
}

/**
 * Our own client in every tenant, used to redeem invitations: the redeem link starts an
 * authorization request with response_type=none (sign in, no credentials returned) that comes back
 * to `${issuer}/redeem/complete`, which then sends the guest to the invitation's redirect URL.
 */
export const REDEMPTION_CLIENT_ID = 'guest-idp-redemption';

/** The audience (resource indicator) of tokens for the admin API: `${BASE_URL}/admin`. */
export function adminApiAudience(baseUrl: string): string {
  return `${baseUrl}/admin`;
}

/** Client roles the admin API accepts; `admin` lets a client manage its own tenant. */
export const CLIENT_ROLES = ['admin'] as const;

/** Per-tenant cookie names: tenants share one host, so their cookies must never collide. */
export function cookieNames(tenantId: string): { session: string; interaction: string; resume: string } {
  return {
    session: `gi_session_${tenantId}`,
    interaction: `gi_interaction_${tenantId}`,
    resume: `gi_resume_${tenantId}`,
  };
}

export function providerConfiguration(tenant: Tenant, jwks: JWK[], dependencies: ProviderDependencies): Configuration {
  const { config, store, keys, clients, pages, accountsFor, directory, outbound } = dependencies;
  const issuer = issuerOf(config.baseUrl, tenant.id);
  const secure = config.baseUrl.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'lax', secure, signed: true } as const;
  const adminAudience = adminApiAudience(config.baseUrl);

  /**
   * Every other tenant of this deployment is a client here without registration, so a guest whose
   * home this tenant is can sign in here for it (home-realm discovery step 2): public (PKCE), and
   * sending codes only to that tenant's federation callback.
   */
  const tenantClientMetadata = async (resourceTenantId: string) => {
    if (!isValidTenantId(resourceTenantId) || resourceTenantId === tenant.id) return undefined;
    const resourceTenant = await directory.resolve(resourceTenantId);
    if (!resourceTenant) return undefined;
    return {
      client_id: `${TENANT_CLIENT_PREFIX}${resourceTenant.id}`,
      client_name: resourceTenant.displayName,
      redirect_uris: [federationCallbackUrl(issuerOf(config.baseUrl, resourceTenant.id))],
      response_types: ['code' as const],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none' as const,
    };
  };

  return {
    adapter: oidcAdapterFactory(store, keys, tenant.id, (clientId) => (clientId.startsWith(TENANT_CLIENT_PREFIX)
      ? tenantClientMetadata(clientId.slice(TENANT_CLIENT_PREFIX.length))
      : clients.findMetadata(tenant, clientId))),
    jwks: { keys: jwks } as Configuration['jwks'],
    findAccount: accountsFor(tenant),
    clients: [{
      client_id: REDEMPTION_CLIENT_ID,
      client_name: 'your invitation',
      redirect_uris: [`${issuer}/redeem/complete`],
      response_types: ['none'],
      grant_types: [],
      token_endpoint_auth_method: 'none',
    },
    // The tenant console (src/console): its administrators sign in here like anyone of the tenant.
    consoleClientMetadata(config.baseUrl, tenant)],

    // The tenant's choice of ID token signature, for clients that registered none (a client's own
    // id_token_signed_response_alg wins). oidc-provider merges this into its other defaults; a
    // change bumps the tenant's revision, so the Provider is built again with it. Discovery keeps
    // listing both algorithms: a client may still ask for either.
    clientDefaults: { id_token_signed_response_alg: idTokenSigningAlgorithmOf(tenant) },

    // The languages of our pages (src/i18n); a request's ui_locales picks one (guest-locale.ts).
    discovery: { ui_locales_supported: LOCALES },

    cookies: { names: cookieNames(tenant.id), keys: config.cookieKeys, long: cookieOptions, short: cookieOptions },

    // URLs a tenant's clients name are called through the guarded outbound client, which honours
    // ALLOW_PRIVATE_UPSTREAMS and checks the address it connects to (it replaces oidc-provider's own
    // dispatcher, which checks only after connecting).
    fetch: outbound.fetch,

    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // Tokens never cross tenants (each tenant is its own Provider). Inside one: a confidential
        // client (a resource server) may introspect any of the tenant's tokens, a public one only its own.
        allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === ctx.oidc.client?.clientId,
      },
      revocation: {
        enabled: true,
        // RFC 7009: a client revokes only tokens issued to it.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      dPoP: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          pages.send(ctx, 'sign-out', { title: t(guestLocale(ctx), 'signOut.title', { tenantName: tenant.displayName }), tenantName: tenant.displayName, form });
        },
        async postLogoutSuccessSource(ctx) {
          pages.send(ctx, 'signed-out', { title: t(guestLocale(ctx), 'signedOut.title'), tenantName: tenant.displayName, clientName: ctx.oidc.client?.clientName });
        },
      },
      // OpenID Connect Back-Channel Logout 1.0 for clients that register a backchannel_logout_uri:
      // on sign-out at the end-session endpoint each client of the session gets a logout token,
      // POSTed through `fetch` above (so the SSRF guard applies); a failed delivery is logged
      // (backchannel-logout-log.ts) and never stops the sign-out. Front-channel logout is not
      // offered: oidc-provider removed it in 8.0 (browsers block the third-party cookies it needs).
      backchannelLogout: { enabled: true },
      registration: { enabled: false },
      // One resource server: the admin API. A client with the admin role gets, by client
      // credentials, a short JWT for it, signed by this tenant's keys, so the admin API can tell
      // which tenant (and client) it is from. Every other token stays opaque.
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx, client) => (ctx.oidc.params?.grant_type === 'client_credentials' && isAdminClient(client)
          ? adminAudience
          : undefined),
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, resource, client) => {
          if (resource !== adminAudience || !isAdminClient(client)) throw new errors.InvalidTarget();
          return { scope: 'admin', audience: adminAudience, accessTokenFormat: 'jwt', accessTokenTTL: TENANT_ADMIN_TOKEN_TTL, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },

    // Code flow for relying parties; `none` only for the invitation redemption client above.
    responseTypes: ['code', 'none'],
    // The methods the admin API registers clients with; discovery advertises exactly these.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // Public clients (no secret) and native apps (RFC 8252 8.1) must use PKCE; oidc-provider 9 only accepts S256.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' || client.applicationType === 'native' },

    // Consent is implied: a tenant's own clients get what they ask for (implied-consent.ts).
    loadExistingGrant: loadImpliedGrant,
    // redirect_uri must always be sent and match a registered one exactly.
    allowOmittingSingleRegisteredRedirectUri: false,
    rotateRefreshToken: true,

    scopes: ['openid', 'offline_access', 'email', 'profile'],
    // The one authentication context we name: `mfa`, a sign-in with a second factor (OpenID Connect
    // Core 2; src/mfa). Discovery's acr_values_supported lists it; acr_values=mfa asks for it.
    acrValues: [MFA_ACR],
    // Discovery's claims_supported is made from this list, so it names only claims that are issued
    // (test/integration/claims-supported.test.ts holds it to that).
    claims: {
      // oidc-provider's defaults for claims of the session itself: `sid` is in ID tokens of clients
      // registered with backchannel_logout_session_required.
      sid: null,
      iss: null,
      // ...and with the openid scope, always: how and when the guest signed in (amr is ["otp"]
      // for email codes, with "mfa" and the second factor's after one; acr is "mfa" after a second
      // factor, and absent without one: src/mfa), the tenant, and the identity provider (`mail`
      // for email codes).
      openid: ['sub', 'tid', 'idp', 'amr', 'acr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // The contract puts email and name in the ID token itself, not only behind userinfo.
    conformIdTokenClaims: false,

    extraClientMetadata: {
      properties: ['roles'],
      validator(_ctx, key, value) {
        if (key !== 'roles' || value === undefined) return;
        if (!Array.isArray(value) || !value.every((role) => (CLIENT_ROLES as readonly unknown[]).includes(role))) {
          throw new TypeError(`roles must be a list of: ${CLIENT_ROLES.join(', ')}`);
        }
      },
    },

    ttl: {
      ...TOKEN_TTL,
      // A guest's session lasts SESSION_TTL_SECONDS from sign-in, not from last use; then a new
      // code is needed. Refresh tokens end with it too, so no app can outlast that rule.
      Session: (_ctx, session) => secondsLeft(session.loginTs, config.sessionTtlSeconds),
      RefreshToken: (_ctx, token) => Math.min(TOKEN_TTL.RefreshToken, secondsLeft(token.authTime, config.sessionTtlSeconds)),
    },

    interactions: {
      // Only sign-in asks the guest anything; consent is implied (implied-consent.ts).
      policy: impliedConsentPolicy(tenant.id, dependencies.policyWantsSecondFactor),
      // Our sign-in pages live under the tenant's issuer, so every URL carries the tenant.
      url: (_ctx, interaction) => `${issuer}/interaction/${interaction.uid}`,
    },

    // A private-use scheme's origin is opaque ("null", as sandboxed frames send): never a match.
    clientBasedCORS: (_ctx, origin, client) => origin !== 'null' && (client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false),

    // oidc-provider's errors get our error page (strict CSP; the request id shown for the guest to quote).
    async renderError(ctx: KoaContextWithOIDC, out, error) {
      const status = (error as { statusCode?: number }).statusCode ?? ctx.status;
      // The guest reads words of ours; the OAuth error code stays, small, for the app's developers.
      // oidc-provider's descriptions are English: a guest reading another language gets the catalogue's sentence.
      const description = guestLocale(ctx) === DEFAULT_LOCALE ? out.error_description : undefined;
      sendProblemPage(pages, ctx, oidcErrorProblem(error, out.error, ctx.oidc?.route), status, {
        values: { hasDescription: description !== undefined, description, tenantName: tenant.displayName },
        errorCode: out.error, tenantName: tenant.displayName,
      });
    },
  };
}

/** Seconds left of a lifetime that started at `startedAt` (epoch seconds); the whole lifetime if not started. */
function secondsLeft(startedAt: number | undefined, lifetimeSeconds: number): number {
  if (!startedAt) return lifetimeSeconds;
  return Math.max(1, startedAt + lifetimeSeconds - Math.floor(Date.now() / 1000));
}

/** oidc-provider keeps extra client metadata (our `roles`) as a property of the client. */
function isAdminClient(client: object): boolean {
  const roles = (client as { roles?: unknown }).roles;
  return Array.isArray(roles) && roles.includes('admin');
}
