import { createHash } from 'node:crypto';

import { LRUCache } from 'lru-cache';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';

import { plainNameOrUndefined } from '../display-names.ts';
import { describeOutboundFailure, isNoAnswer } from '../outbound/outbound-failure.ts';
import type { OutboundHttp } from '../outbound/outbound-http.ts';
import type { UpstreamClient } from './upstream.ts';

/** What an upstream sign-in tells us about the guest, from a verified ID token. */
export interface UpstreamSignIn {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  amr: string[] | undefined;
}

/**
 * Why an upstream leg failed:
 * - unreachable: discovery, JWKS or token endpoint did not answer (or is at an address the
 *   server does not call for tenants);
 * - refused: the provider answered with an OAuth error (the guest cancelled, access denied…);
 * - invalidResponse: what came back did not verify (signature, issuer, nonce, state, PKCE).
 */
export class UpstreamError extends Error {
  readonly kind: 'unreachable' | 'refused' | 'invalidResponse';
  readonly oauthError: string | undefined;

  constructor(kind: UpstreamError['kind'], message: string, oauthError?: string, cause?: unknown) {
    super(message, { cause });
    this.kind = kind;
    this.oauthError = oauthError;
  }
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

  /** Discovers the provider; throws UpstreamError('unreachable') when it cannot. */
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
      throw new UpstreamError('unreachable', `${client.issuer} could not be discovered`, undefined, error);
    }
  }

  /** The guest's way to the provider; a failure is logged (the guest's page stays generic). */
  async authorizationUrl(client: UpstreamClient, request: { redirectUri: string; state: string; nonce: string; codeVerifier: string; loginHint: string; requestId?: string }): Promise<string> {
    const configuration = await this.#logged(this.configuration(client), request.requestId);
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

  /** Redeems the code of the callback URL and verifies the ID token; throws (and logs) UpstreamError. */
  async exchange(client: UpstreamClient, callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string; requestId?: string }): Promise<UpstreamSignIn> {
    return this.#logged(this.#exchange(client, callbackUrl, checks), checks.requestId);
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
      throw classify(client.issuer, error);
    }
    const claims = tokens.claims();
    if (!claims) throw new UpstreamError('invalidResponse', `${client.issuer} returned no ID token`);
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email: typeof claims.email === 'string' ? claims.email : undefined,
      emailVerified: claims.email_verified === true,
      // A name that could forge mail lines or disguise itself is dropped, not refused: the guest may still sign in.
      name: plainNameOrUndefined(claims.name),
      amr: Array.isArray(claims.amr) ? claims.amr.map(String) : undefined,
    };
  }

  /**
   * The cause of a failed upstream leg goes to the log (the guest's page names no cause): an
   * unreachable or unverifiable provider is worth an operator's look, a guest's cancel is not.
   */
  async #logged<T>(leg: Promise<T>, requestId: string | undefined): Promise<T> {
    try {
      return await leg;
    } catch (error) {
      if (error instanceof UpstreamError) {
        const level = error.kind === 'refused' ? 'info' : 'warn';
        this.#log[level]({ requestId, kind: error.kind, oauthError: error.oauthError, failure: describeOutboundFailure(error.cause) }, 'upstream sign-in failed: %s', error.message);
      }
      throw error;
    }
  }
}

function classify(issuer: string, error: unknown): UpstreamError {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return new UpstreamError('refused', `${issuer} answered ${error.error}`, error.error, error);
  }
  if (isNoAnswer(error)) return new UpstreamError('unreachable', `${issuer} did not answer`, undefined, error);
  return new UpstreamError('invalidResponse', `the answer of ${issuer} did not verify: ${(error as Error).message}`, undefined, error);
}
