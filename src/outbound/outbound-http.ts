import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';

import { type ConnectPolicy, guardedConnector } from './guarded-connector.ts';

/**
 * The one HTTP client for every URL the server calls on a tenant's behalf: identity providers'
 * discovery, token, JWKS and userinfo endpoints, the consumer-account lookup, and what
 * oidc-provider fetches (client jwks_uri, sector identifiers, back-channel logout). Unless
 * ALLOW_PRIVATE_UPSTREAMS is set, its connect step refuses every address that is not on the
 * internet (see guarded-connector.ts), so a tenant administrator cannot aim the server at its
 * own host, its private network or the cloud's metadata service.
 */
export class OutboundHttp {
  readonly #dispatcher: Agent;

  constructor(policy: ConnectPolicy) {
    this.#dispatcher = new Agent({ connect: guardedConnector(policy) });
  }

  /**
   * `fetch` through the guarded dispatcher; any dispatcher in `init` (oidc-provider sets its own)
   * is replaced. Redirects are followed through the same dispatcher, so every hop is checked.
   */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    // A Request of Node's own fetch is not one of undici's: every caller here passes a URL.
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('the outbound client takes a URL, not a Request');
    const response = await undiciFetch(input, { ...(init as UndiciRequestInit), dispatcher: this.#dispatcher });
    // undici's own Response: the same class as Node's built-in fetch returns, in another copy.
    return response as unknown as Response;
  };

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
