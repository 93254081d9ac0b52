import { NotFoundError } from '../errors.ts';
import type { IdentityProviderRepository } from '../store/identity-provider-repository.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { ConsumerAccounts } from './consumer-accounts.ts';
import { tenantClientId, type UpstreamClient, type UpstreamReference } from './upstream.ts';

/** Turns the upstream home-realm discovery chose into the client credentials to talk to it. */
export class UpstreamClients {
  readonly #identityProviders: IdentityProviderRepository;
  readonly #consumerAccounts: ConsumerAccounts | undefined;

  constructor(identityProviders: IdentityProviderRepository, consumerAccounts: ConsumerAccounts | undefined) {
    this.#identityProviders = identityProviders;
    this.#consumerAccounts = consumerAccounts;
  }

  async clientFor(tenant: Tenant, upstream: UpstreamReference): Promise<UpstreamClient> {
    switch (upstream.source) {
      case 'HomeTenant':
        return { issuer: upstream.issuer, clientId: tenantClientId(tenant.id), clientSecret: undefined };
      case 'DirectFederation':
      case 'Google': {
        const id = upstream.identityProviderId ?? '';
        const provider = await this.#identityProviders.find(tenant, id);
        const clientSecret = await this.#identityProviders.clientSecret(tenant.id, id);
        if (!provider || clientSecret === undefined) throw new NotFoundError(`identity provider ${id} is gone`);
        return { issuer: provider.issuer, clientId: provider.clientId, clientSecret };
      }
      case 'ConsumerAccount':
        if (!this.#consumerAccounts) throw new NotFoundError('no consumer-account provider is configured');
        return this.#consumerAccounts.client;
    }
  }
}
