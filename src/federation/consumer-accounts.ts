import type { Logger } from 'pino';

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

  constructor(config: ConsumerAccountsConfig, log: Logger) {
    this.#config = config;
    this.#log = log;
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
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
      if (!response.ok) {
        this.#log.warn({ status: response.status }, 'consumer account lookup failed');
        return false;
      }
      return (await response.json() as { exists?: unknown }).exists === true;
    } catch (error) {
      this.#log.warn({ err: error }, 'consumer account lookup did not answer');
      return false;
    }
  }
}
