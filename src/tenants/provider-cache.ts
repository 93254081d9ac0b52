import type { IncomingMessage, ServerResponse } from 'node:http';

import type { JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { Provider } from 'oidc-provider';

import { PROVIDER_CACHE_SIZE } from '../limits.ts';
import { autoPostPage } from './auto-post-page.ts';
import { impliedOfflineConsent } from './implied-offline-consent.ts';
import { jwksForProvider, publicPart, type SigningKey } from './signing-keys.ts';
import { providerConfiguration, type ProviderDependencies } from './provider-configuration.ts';
import { generationOf, issuerOf, type Tenant } from './tenant.ts';

export interface TenantProvider {
  tenant: Tenant;
  provider: Provider;
  /** oidc-provider's request handler (a Koa app's callback). */
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The tenant's published keys (what its jwks_uri serves), for verifying its JWTs in-process. */
  publicJwks: JWK[];
}

interface Entry {
  /** The tenant record the Provider was built from: generation (which incarnation) and revision. */
  generation: string;
  revision: number;
  /** Rebuild after this (epoch ms): a retired key's publication ends then. */
  validUntil: number;
  built: Promise<TenantProvider>;
}

/**
 * One oidc-provider instance per tenant, built on first use and kept in a bounded LRU. A Provider
 * holds no state of its own (sessions, tokens, clients and keys are in the store), so evicting one
 * loses nothing: the next request builds it again. A tenant whose revision changed (keys rotated,
 * display name changed) gets a fresh Provider, and so does a tenant deleted and created again
 * under the same id: its generation differs, though its revision starts at 1 again.
 */
export class ProviderCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #dependencies: ProviderDependencies;
  readonly #signingKeys: (tenantId: string) => Promise<SigningKey[]>;
  readonly #onBuilt: (tenantProvider: TenantProvider) => void;

  constructor(
    dependencies: ProviderDependencies,
    signingKeys: (tenantId: string) => Promise<SigningKey[]>,
    onBuilt: (tenantProvider: TenantProvider) => void = () => {},
    maxProviders = PROVIDER_CACHE_SIZE,
  ) {
    this.#dependencies = dependencies;
    this.#signingKeys = signingKeys;
    this.#onBuilt = onBuilt;
    this.#entries = new LRUCache({ max: maxProviders });
  }

  get size(): number {
    return this.#entries.size;
  }

  get(tenant: Tenant): Promise<TenantProvider> {
    const entry = this.#entries.get(tenant.id);
    const generation = generationOf(tenant);
    if (entry && entry.generation === generation && entry.revision === tenant.revision && entry.validUntil > Date.now()) return entry.built;

    const built = this.#build(tenant);
    const fresh: Entry = { generation, revision: tenant.revision, validUntil: Infinity, built };
    this.#entries.set(tenant.id, fresh);
    // A failed build (store down) must not stick: the next request tries again.
    built.catch(() => {
      if (this.#entries.get(tenant.id) === fresh) this.#entries.delete(tenant.id);
    });
    return built;
  }

  evict(tenantId: string): void {
    this.#entries.delete(tenantId);
  }

  async #build(tenant: Tenant): Promise<TenantProvider> {
    const keys = await this.#signingKeys(tenant.id);
    const jwks = jwksForProvider(keys, new Date());
    const provider = new Provider(
      issuerOf(this.#dependencies.config.baseUrl, tenant.id),
      providerConfiguration(tenant, jwks, this.#dependencies),
    );
    // Host and scheme come from BASE_URL: mount-provider.ts sets the forwarded headers itself.
    provider.proxy = true;
    // oidc-provider's auto-posting page (form_post.js) becomes ours: strict CSP, no inline script.
    provider.use(autoPostPage(this.#dependencies.pages, tenant));
    // offline_access without prompt=consent: consent is implied in a tenant (see the file).
    provider.use(impliedOfflineConsent(provider));
    const retiredUntil = keys
      .filter((key) => key.status === 'retired' && key.publishedUntil)
      .map((key) => Date.parse(key.publishedUntil as string));
    const entry = this.#entries.get(tenant.id);
    if (entry && retiredUntil.length > 0) entry.validUntil = Math.min(...retiredUntil);
    const tenantProvider: TenantProvider = {
      tenant,
      provider,
      handle: provider.callback() as TenantProvider['handle'],
      publicJwks: jwks.map(publicPart),
    };
    this.#onBuilt(tenantProvider);
    return tenantProvider;
  }
}
