import * as oidc from 'openid-client';

/**
 * A relying party as app developers write one with openid-client: discovery, code flow with PKCE,
 * state and nonce, then the code exchange.
 */
export class RelyingParty {
  readonly config: oidc.Configuration;
  readonly redirectUri: string;
  readonly #verifier = oidc.randomPKCECodeVerifier();
  readonly state = oidc.randomState();
  readonly nonce = oidc.randomNonce();

  private constructor(config: oidc.Configuration, redirectUri: string) {
    this.config = config;
    this.redirectUri = redirectUri;
  }

  static async discover(issuer: string, client: { client_id: string; client_secret?: string }, redirectUri: string): Promise<RelyingParty> {
    const config = await oidc.discovery(new URL(issuer), client.client_id, client.client_secret,
      client.client_secret ? undefined : oidc.None(), { execute: [oidc.allowInsecureRequests] });
    return new RelyingParty(config, redirectUri);
  }

  async authorizationUrl(extra: Record<string, string> = {}): Promise<string> {
    return oidc.buildAuthorizationUrl(this.config, await this.#authorizationParameters(extra)).href;
  }

  /** The same request pushed first (RFC 9126 PAR): the browser's URL carries only the request_uri. */
  async pushedAuthorizationUrl(extra: Record<string, string> = {}): Promise<string> {
    return (await oidc.buildAuthorizationUrlWithPAR(this.config, await this.#authorizationParameters(extra))).href;
  }

  /** Code flow with PKCE, state and nonce, for the usual scopes; `extra` adds or overrides. */
  async #authorizationParameters(extra: Record<string, string>): Promise<Record<string, string>> {
    return {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(this.#verifier),
      code_challenge_method: 'S256',
      state: this.state,
      nonce: this.nonce,
      ...extra,
    };
  }

  /** Exchanges the code in the URL the browser was sent back to. */
  redeemCallback(callbackUrl: string) {
    return oidc.authorizationCodeGrant(this.config, new URL(callbackUrl), {
      pkceCodeVerifier: this.#verifier,
      expectedState: this.state,
      expectedNonce: this.nonce,
    });
  }

  isCallback = (url: string): boolean => url.startsWith(this.redirectUri);
}
