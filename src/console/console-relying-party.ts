import type { Context } from 'koa';
import * as oidc from 'openid-client';

import { guestLocale } from '../i18n/guest-locale.ts';
import { issuerOf, type Tenant } from '../tenants/tenant.ts';
import { CONSOLE_CLIENT_ID, consoleRedirectUri, consoleSignedOutUri } from './console-client.ts';
import type { ConsoleSessions } from './console-sessions.ts';
import { loopbackFetch } from './loopback-fetch.ts';

/** Who signed in to the console, from the ID token. */
export interface ConsoleSignedIn {
  userId: string;
  idToken: string;
}

/**
 * The console as a relying party of its tenant's issuer (openid-client): the authorization code
 * flow with PKCE S256, state and nonce, the ID token's signature checked against the tenant's
 * JWKS. The sign-in itself happens on the tenant's own sign-in pages, with the methods its people
 * have there (email one-time passcode).
 */
export class ConsoleRelyingParty {
  readonly #baseUrl: string;
  readonly #sessions: ConsoleSessions;

  constructor(baseUrl: string, sessions: ConsoleSessions) {
    this.#baseUrl = baseUrl;
    this.#sessions = sessions;
  }

  /** Where the browser goes to sign in: the tenant's authorization endpoint. */
  async signInUrl(ctx: Context, tenant: Tenant): Promise<URL> {
    const configuration = await this.#configuration(ctx, tenant);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await this.#sessions.rememberSignIn(ctx, tenant.id, state, { codeVerifier, nonce });
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: consoleRedirectUri(this.#baseUrl, tenant.id),
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ui_locales: guestLocale(ctx),
    });
  }

  /**
   * The way back: the code exchanged (over loopback) for an ID token. Undefined when this browser
   * started no sign-in (or it expired, or was used); throws when the answer is an error.
   */
  async finishSignIn(ctx: Context, tenant: Tenant): Promise<ConsoleSignedIn | undefined> {
    const started = await this.#sessions.takeSignIn(ctx, tenant.id);
    if (!started) return undefined;
    const configuration = await this.#configuration(ctx, tenant);
    // The URL the browser was sent to, from BASE_URL (never from the Host header).
    const currentUrl = new URL(`${this.#baseUrl}${ctx.originalUrl}`);
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: started.signIn.codeVerifier,
      expectedState: started.state,
      expectedNonce: started.signIn.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) return undefined;
    return { userId: claims.sub, idToken: tokens.id_token };
  }

  /** The tenant's end-session endpoint, so signing out of the console signs out of the tenant too. */
  async signOutUrl(ctx: Context, tenant: Tenant, idToken: string): Promise<URL> {
    const configuration = await this.#configuration(ctx, tenant);
    return oidc.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: consoleSignedOutUri(this.#baseUrl, tenant.id),
      ui_locales: guestLocale(ctx),
    });
  }

  #configuration(ctx: Context, tenant: Tenant): Promise<oidc.Configuration> {
    const issuer = new URL(issuerOf(this.#baseUrl, tenant.id));
    return oidc.discovery(issuer, CONSOLE_CLIENT_ID, { token_endpoint_auth_method: 'none' }, oidc.None(), {
      [oidc.customFetch]: loopbackFetch(ctx, this.#baseUrl),
      execute: [oidc.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])],
    });
  }
}
