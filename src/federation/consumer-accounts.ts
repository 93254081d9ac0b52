import type { Logger } from 'pino';

import { describeOutboundFailure } from '../outbound/outbound-failure.ts';
import type { OutboundHttp } from '../outbound/outbound-http.ts';
import type { UpstreamClient, UpstreamReference } from './upstream.ts';

/** The deployment's consumer-account provider (the Microsoft-account role), from CONSUMER_ACCOUNTS_*. */
export interface ConsumerAccountsConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `GET {lookupUrl}?email=…` answers `{"exists": true|false}`. */
  lookupUrl: string;
  displayName: string;
}

/** A lookup that does not answer in this time counts as "no account": the guest falls back. */
const LOOKUP_TIMEOUT_MS = 3_000;

export class ConsumerAccounts {
  readonly #config: ConsumerAccountsConfig;
  readonly #log: Logger;
  readonly #outbound: OutboundHttp;

  /** The lookup goes through the outbound client: a loopback or private lookup URL is refused unless allowed. */
  constructor(config: ConsumerAccountsConfig, log: Logger, outbound: OutboundHttp) {
    this.#config = config;
    this.#log = log;
    this.#outbound = outbound;
  }

  get reference(): UpstreamReference {
    return { source: 'ConsumerAccount', issuer: this.#config.issuer, displayName: this.#config.displayName };
  }

  get client(): UpstreamClient {
    return { issuer: this.#config.issuer, clientId: this.#config.clientId, clientSecret: this.#config.clientSecret };
  }

  /** Whether the provider says the address has an account there. Failures count as no. */
  async hasAccount(email: string): Promise<boolean> {
    const url = new URL(this.#config.lookupUrl);
    url.searchParams.set('email', email);
    try {
      const response = await this.#outbound.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
      if (!response.ok) {
        this.#log.warn({ status: response.status }, 'consumer account lookup failed');
        return false;
      }
      return (await response.json() as { exists?: unknown }).exists === true;
    } catch (error) {
      // Not `err`: the error's own fields could carry the looked-up address in its URL.
      this.#log.warn({ failure: describeOutboundFailure(error) }, 'consumer account lookup did not answer');
      return false;
    }
  }
}
