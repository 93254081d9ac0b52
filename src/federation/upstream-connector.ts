import { createHash } from 'node:crypto';

import { LRUCache } from 'lru-cache';
import * as oidc from 'openid-client';

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
 * - unreachable: discovery, JWKS or token endpoint did not answer;
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
 * (code flow, PKCE, state, nonce) and the code exchange with ID token validation.
 */
export class UpstreamConnector {
  readonly #configurations = new LRUCache<string, Promise<oidc.Configuration>>({ max: 1_000, ttl: CONFIGURATION_CACHE_MS });

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

  async authorizationUrl(client: UpstreamClient, request: { redirectUri: string; state: string; nonce: string; codeVerifier: string; loginHint: string }): Promise<string> {
    const configuration = await this.configuration(client);
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

  /** Redeems the code of the callback URL and verifies the ID token; throws UpstreamError. */
  async exchange(client: UpstreamClient, callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<UpstreamSignIn> {
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
      name: typeof claims.name === 'string' ? claims.name : undefined,
      amr: Array.isArray(claims.amr) ? claims.amr.map(String) : undefined,
    };
  }
}

function classify(issuer: string, error: unknown): UpstreamError {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return new UpstreamError('refused', `${issuer} answered ${error.error}`, error.error, error);
  }
  if (isNetworkFailure(error)) return new UpstreamError('unreachable', `${issuer} did not answer`, undefined, error);
  return new UpstreamError('invalidResponse', `the answer of ${issuer} did not verify: ${(error as Error).message}`, undefined, error);
}

/** A refused or dropped connection, a DNS failure or a timeout, anywhere in the cause chain. */
function isNetworkFailure(error: unknown): boolean {
  type Failure = { name?: string; message?: string; code?: unknown; cause?: unknown };
  for (let current = error as Failure | undefined; current; current = current.cause as Failure | undefined) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return true;
    if (current.name === 'TypeError' && current.message === 'fetch failed') return true;
    if (typeof current.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_)/.test(current.code)) return true;
  }
  return false;
}
