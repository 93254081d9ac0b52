import { createHash } from 'node:crypto';

import { LRUCache } from 'lru-cache';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';

import { plainNameOrUndefined } from '../display-names.ts';
import type { OutboundHttp } from '../outbound/outbound-http.ts';
import type { UpstreamClient } from './upstream.ts';
import { classifyUpstreamFailure, describeUpstreamFailure, UpstreamError } from './upstream-failure.ts';

/** What an upstream sign-in tells us about the guest, from a verified ID token (and userinfo, when it lacks the address). */
export interface UpstreamSignIn {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  amr: string[] | undefined;
}

/** Whom a leg runs for: what its log line names besides the provider. */
export interface UpstreamLeg {
  tenant: string;
  requestId: string | undefined;
}

/** How long discovered metadata is reused; the provider's keys are refetched by openid-client as they rotate. */
const CONFIGURATION_CACHE_MS = 10 * 60 * 1000;
/** A provider that does not answer within this many seconds is unreachable. */
const UPSTREAM_TIMEOUT_SECONDS = 10;

/**
 * The relying-party side of federation, with openid-client: discovery, the authorization request
 * (code flow, PKCE, state, nonce) and the code exchange with ID token validation. Every request
 * it makes (discovery, token, JWKS, userinfo) goes through the outbound client, which refuses
 * addresses that are not on the internet.
 */
export class UpstreamConnector {
  readonly #configurations = new LRUCache<string, Promise<oidc.Configuration>>({ max: 1_000, ttl: CONFIGURATION_CACHE_MS });
  readonly #outbound: OutboundHttp;
  readonly #log: Logger;

  constructor(outbound: OutboundHttp, log: Logger) {
    this.#outbound = outbound;
    this.#log = log;
  }

  /** Discovers the provider; throws UpstreamError (unreachable, discoveryFailed) when it cannot. */
  async configuration(client: UpstreamClient): Promise<oidc.Configuration> {
    const key = `${client.issuer}\n${client.clientId}\n${createHash('sha256').update(client.clientSecret ?? '').digest('base64url')}`;
    let configuration = this.#configurations.get(key);
    if (!configuration) {
      const issuer = new URL(client.issuer);
      configuration = oidc.discovery(
        issuer,
        client.clientId,
        client.clientSecret,
        client.clientSecret === undefined ? oidc.None() : oidc.ClientSecretPost(client.clientSecret),
        {
          [oidc.customFetch]: this.#outbound.fetch,
          timeout: UPSTREAM_TIMEOUT_SECONDS,
          // The ID token's signature is checked against the provider's keys even though it comes
          // straight from its token endpoint (OpenID Connect lets a client rely on TLS instead).
          execute: [oidc.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])],
        },
      );
      this.#configurations.set(key, configuration);
      // A failed discovery must not be remembered.
      configuration.catch(() => this.#configurations.delete(key));
    }
    try {
      return await configuration;
    } catch (error) {
      throw classifyUpstreamFailure(client.issuer, 'discovery', error);
    }
  }

  /** The guest's way to the provider; a failure is logged (the guest's page names no cause). */
  async authorizationUrl(client: UpstreamClient, request: { redirectUri: string; state: string; nonce: string; codeVerifier: string; loginHint: string }, leg: UpstreamLeg): Promise<string> {
    const configuration = await this.#logged(client, leg, this.configuration(client));
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: request.redirectUri,
      scope: 'openid email profile',
      state: request.state,
      nonce: request.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
      login_hint: request.loginHint,
    }).href;
  }

  /**
   * Redeems the code of the callback URL, verifies the ID token and, when the ID token does not
   * say the address and whether it is verified, asks userinfo; throws (and logs) UpstreamError.
   */
  async exchange(client: UpstreamClient, callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }, leg: UpstreamLeg): Promise<UpstreamSignIn> {
    return this.#logged(client, leg, this.#exchange(client, callbackUrl, checks));
  }

  async #exchange(client: UpstreamClient, callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<UpstreamSignIn> {
    const configuration = await this.configuration(client);
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
    } catch (error) {
      throw classifyUpstreamFailure(client.issuer, 'exchange', error);
    }
    const claims = tokens.claims();
    if (!claims) throw new UpstreamError('idTokenMissing', `${client.issuer} returned no ID token`);
    let userinfo: oidc.UserInfoResponse | undefined;
    if (lacksEmailClaims(claims) && configuration.serverMetadata().userinfo_endpoint) {
      try {
        // The expected subject makes openid-client refuse a userinfo answer about anyone else.
        userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      } catch (error) {
        throw classifyUpstreamFailure(client.issuer, 'userinfo', error);
      }
    }
    const email = emailClaimsOf(claims, userinfo);
    return {
      issuer: claims.iss,
      subject: claims.sub,
      ...email,
      // A name that could forge mail lines or disguise itself is dropped, not refused: the guest may still sign in.
      name: plainNameOrUndefined(claims.name ?? userinfo?.name),
      amr: Array.isArray(claims.amr) ? claims.amr.map(String) : undefined,
    };
  }

  /**
   * The cause of a failed upstream leg goes to the log as one line (the guest's page names no
   * cause, only the request id to quote): an unreachable, misconfigured or unverifiable provider
   * is worth an operator's look, a guest's cancel is not.
   */
  async #logged<T>(client: UpstreamClient, leg: UpstreamLeg, step: Promise<T>): Promise<T> {
    try {
      return await step;
    } catch (error) {
      if (error instanceof UpstreamError) {
        const failure = describeUpstreamFailure(error);
        const level = failure.cause === 'authorizationError' && failure.oauthError === 'access_denied' ? 'info' : 'warn';
        this.#log[level]({ requestId: leg.requestId, tenant: leg.tenant, issuer: client.issuer, ...failure }, 'upstream sign-in failed');
      }
      throw error;
    }
  }
}

type Claims = Record<string, unknown>;

/** Providers that follow OpenID Connect's default (oidc-provider's too) put these only in userinfo when an access token is issued. */
function lacksEmailClaims(idToken: Claims): boolean {
  return idToken.email === undefined || idToken.email_verified === undefined;
}

/**
 * The address and whether the provider verified it, both from one place (email_verified speaks
 * of that very email): the ID token when it has both, else userinfo when it names an address.
 * Only `true` is verified, as before.
 */
export function emailClaimsOf(idToken: Claims, userinfo: Claims | undefined): { email: string | undefined; emailVerified: boolean } {
  const source = lacksEmailClaims(idToken) && typeof userinfo?.email === 'string' ? userinfo : idToken;
  return {
    email: typeof source.email === 'string' ? source.email : undefined,
    emailVerified: source.email_verified === true,
  };
}
