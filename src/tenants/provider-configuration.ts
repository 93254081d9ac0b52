import type { JWK } from 'jose';
import type { Configuration, FindAccount, KoaContextWithOIDC } from 'oidc-provider';

import type { Config } from '../config.ts';
import { TOKEN_TTL } from '../limits.ts';
import type { ClientRepository } from '../store/client-repository.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import { oidcAdapterFactory } from '../store/oidc-adapter.ts';
import type { Pages } from '../web/pages.ts';
import { issuerOf, type Tenant } from './tenant.ts';

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
  findAccount: FindAccount;
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
  const { config, store, keys, clients, pages, findAccount } = dependencies;
  const issuer = issuerOf(config.baseUrl, tenant.id);
  const secure = config.baseUrl.startsWith('https:');
  const cookieOptions = { httpOnly: true, sameSite: 'lax', secure, signed: true } as const;

  return {
    adapter: oidcAdapterFactory(store, keys, tenant.id, (clientId) => clients.findMetadata(tenant.id, clientId)),
    jwks: { keys: jwks as Configuration['jwks'] extends { keys: infer K } | undefined ? K : never },
    findAccount,

    cookies: { names: cookieNames(tenant.id), keys: config.cookieKeys, long: cookieOptions, short: cookieOptions },

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
      rpInitiatedLogout: { enabled: true },
      registration: { enabled: false },
    },

    responseTypes: ['code'],
    // The methods the admin API registers clients with; discovery advertises exactly these.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // Public clients (no secret) must use PKCE; oidc-provider 9 only accepts S256.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    // redirect_uri must always be sent and match a registered one exactly.
    allowOmittingSingleRegisteredRedirectUri: false,
    rotateRefreshToken: true,

    scopes: ['openid', 'offline_access', 'email', 'profile'],
    claims: {
      openid: ['sub', 'tid', 'idp'],
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

    ttl: { ...TOKEN_TTL, Session: config.sessionTtlSeconds },

    interactions: {
      url: (_ctx, interaction) => `${issuer}/interaction/${interaction.uid}`,
    },

    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,

    async renderError(ctx: KoaContextWithOIDC, out, error) {
      const unavailable = out.error === 'temporarily_unavailable';
      pages.send(ctx, 'error', {
        title: unavailable ? 'Sign-in is briefly unavailable' : 'Sign-in could not continue',
        tenantName: tenant.displayName,
        message: out.error_description ?? 'Something went wrong while signing you in.',
        hint: unavailable
          ? 'Nothing was lost. Wait a moment, then go back to the app and start again.'
          : 'Go back to the app you came from and start signing in again. If it keeps happening, tell the organization that invited you.',
        reference: out.error,
      }, (error as { statusCode?: number }).statusCode ?? ctx.status);
    },
  };
}
