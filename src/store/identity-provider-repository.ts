import { LRUCache } from 'lru-cache';

import type { IdentityProvider } from '../federation/identity-provider.ts';
import { ConcurrentChangeError } from '../errors.ts';
import { CONCURRENT_WRITE_ATTEMPTS, RECORD_CACHE_SECONDS } from '../limits.ts';
import { generationOf, type TenantRef } from '../tenants/tenant.ts';
import type { KeyValueStore, Write } from './key-value-store.ts';
import type { Keys } from './keys.ts';
import { CHANGED, retryChanged, type Versioned, versionOf } from './record-version.ts';
import type { SecretBox } from './secret-box.ts';

type StoredIdentityProvider = IdentityProvider & Versioned & { sealedClientSecret: string };

/** Why an identity provider could not be written. */
export type IdentityProviderConflict = { kind: 'domainTaken'; domain: string };

/**
 * A tenant's identity providers. Client secrets are sealed with KEY_ENCRYPTION_KEY and never leave
 * this repository except to the federation code that needs them. A domain belongs to at most one
 * identity provider of a tenant: a claim key per domain, written in the same conditional batch.
 */
export class IdentityProviderRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;
  readonly #secrets: SecretBox;
  /**
   * Home-realm discovery reads a tenant's identity providers on every sign-in; they rarely change.
   * Writes here forget the entry at once, other processes follow within RECORD_CACHE_SECONDS. A
   * caller that passes the tenant record (not only its id) never gets what was cached for an
   * earlier tenant of the same id: entries belong to one generation.
   */
  readonly #cache = new LRUCache<string, { generation: string | undefined; providers: IdentityProvider[] }>({ max: 10_000, ttl: RECORD_CACHE_SECONDS * 1000 });

  constructor(store: KeyValueStore, keys: Keys, secrets: SecretBox) {
    this.#store = store;
    this.#keys = keys;
    this.#secrets = secrets;
  }

  async list(tenant: string | TenantRef): Promise<IdentityProvider[]> {
    const [tenantId, generation] = typeof tenant === 'string' ? [tenant, undefined] : [tenant.id, generationOf(tenant)];
    const cached = this.#cache.get(tenantId);
    if (cached && (generation === undefined || cached.generation === generation)) return cached.providers;
    const ids = (await this.#store.setMembers(this.#keys.identityProviderIndex(tenantId))).sort();
    const stored = await this.#store.getMany(ids.map((id) => this.#keys.identityProvider(tenantId, id)));
    const providers = stored.filter((value): value is string => value !== null).map((value) => withoutSecret(JSON.parse(value) as StoredIdentityProvider));
    // Only an entry whose generation is known can serve callers that ask by generation.
    this.#cache.set(tenantId, { generation, providers });
    return providers;
  }

  async find(tenant: string | TenantRef, id: string): Promise<IdentityProvider | undefined> {
    return (await this.list(tenant)).find((provider) => provider.id === id);
  }

  /** The client secret, unsealed, for talking to the provider. */
  async clientSecret(tenantId: string, id: string): Promise<string | undefined> {
    const stored = await this.#store.get(this.#keys.identityProvider(tenantId, id));
    if (!stored) return undefined;
    return this.#secrets.open((JSON.parse(stored) as StoredIdentityProvider).sealedClientSecret, boundTo(tenantId, id));
  }

  /**
   * Creates or replaces a provider and its domain claims, all or nothing. Without a new secret the
   * stored one is kept. The write is compare-and-set on the record as read (or on its absence), so
   * the claims released and taken are the right ones; when another request wrote the provider at
   * the same moment, the replacement is made again on what it left.
   */
  async save(tenantId: string, provider: IdentityProvider, clientSecret: string | undefined): Promise<IdentityProviderConflict | undefined> {
    const result = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, () => this.#saveOnce(tenantId, provider, clientSecret), () => new ConcurrentChangeError(`Identity provider '${provider.id}'`));
    this.#cache.delete(tenantId);
    return result;
  }

  /** False when there was no such provider. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const key = this.#keys.identityProvider(tenantId, id);
    const deleted = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      const stored = await this.#store.get(key);
      if (!stored) return false;
      const provider = JSON.parse(stored) as StoredIdentityProvider;
      const applied = await this.#store.write(
        [
          { type: 'delete', key },
          { type: 'setRemove', key: this.#keys.identityProviderIndex(tenantId), members: [id] },
          ...provider.domains.map((domain): Write => ({ type: 'delete', key: this.#keys.identityProviderDomain(tenantId, domain) })),
        ],
        { versions: [{ key, version: versionOf(provider) }] },
      );
      return applied ? true : CHANGED;
    }, () => new ConcurrentChangeError(`Identity provider '${id}'`));
    this.#cache.delete(tenantId);
    return deleted;
  }

  async #saveOnce(tenantId: string, provider: IdentityProvider, clientSecret: string | undefined): Promise<IdentityProviderConflict | undefined | typeof CHANGED> {
    const key = this.#keys.identityProvider(tenantId, provider.id);
    const previousValue = await this.#store.get(key);
    const previous = previousValue ? (JSON.parse(previousValue) as StoredIdentityProvider) : undefined;
    const sealedClientSecret = clientSecret !== undefined
      ? this.#secrets.seal(clientSecret, boundTo(tenantId, provider.id))
      : previous?.sealedClientSecret;
    if (!sealedClientSecret) throw new TypeError('a new identity provider needs a client secret');

    const added = provider.domains.filter((domain) => !previous?.domains.includes(domain));
    const removed = (previous?.domains ?? []).filter((domain) => !provider.domains.includes(domain));
    const stored: StoredIdentityProvider = {
      ...provider,
      createdDateTime: previous?.createdDateTime ?? provider.createdDateTime,
      sealedClientSecret,
      version: previous ? versionOf(previous) + 1 : 0,
    };
    const claims = added.map((domain) => this.#keys.identityProviderDomain(tenantId, domain));
    const saved = await this.#store.write(
      [
        { type: 'set', key, value: JSON.stringify(stored) },
        { type: 'setAdd', key: this.#keys.identityProviderIndex(tenantId), members: [provider.id] },
        ...added.map((domain): Write => ({ type: 'set', key: this.#keys.identityProviderDomain(tenantId, domain), value: provider.id })),
        ...removed.map((domain): Write => ({ type: 'delete', key: this.#keys.identityProviderDomain(tenantId, domain) })),
      ],
      previous
        ? { versions: [{ key, version: versionOf(previous) }], absent: claims }
        : { absent: [key, ...claims] },
    );
    if (saved) return undefined;
    const [current, ...owners] = await this.#store.getMany([key, ...claims]);
    if (current !== previousValue) return CHANGED;
    const taken = added.find((_domain, index) => owners[index] !== null && owners[index] !== provider.id);
    return { kind: 'domainTaken', domain: taken ?? added[0] ?? '' };
  }
}


function withoutSecret({ sealedClientSecret: _secret, version: _version, ...provider }: StoredIdentityProvider): IdentityProvider {
  return provider;
}

function boundTo(tenantId: string, id: string): string {
  return `identity-provider-secret:${tenantId}:${id}`;
}
