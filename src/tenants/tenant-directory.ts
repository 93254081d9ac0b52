import { LRUCache } from 'lru-cache';

import { RECORD_CACHE_SECONDS } from '../limits.ts';
import type { TenantRepository } from '../store/tenant-repository.ts';
import { isValidDomain, isValidTenantId, type Tenant } from './tenant.ts';

/** Most tenant lookups a process remembers at once. */
const MAX_CACHED_LOOKUPS = 10_000;

/**
 * Finds the tenant a URL names, by id or by verified domain. A process keeps what it found for a
 * few seconds (RECORD_CACHE_SECONDS) so a sign-in does not pay a store round trip per request;
 * writes through TenantService forget the entry at once in this process, other processes follow
 * within those seconds. Misses are not remembered: a tenant created elsewhere works immediately.
 */
export class TenantDirectory {
  readonly #tenants: TenantRepository;
  readonly #cache = new LRUCache<string, Tenant>({ max: MAX_CACHED_LOOKUPS, ttl: RECORD_CACHE_SECONDS * 1000 });

  constructor(tenants: TenantRepository) {
    this.#tenants = tenants;
  }

  async resolve(idOrDomain: string): Promise<Tenant | undefined> {
    const name = idOrDomain.toLowerCase();
    const cached = this.#cache.get(name);
    if (cached) return cached;

    let tenant: Tenant | undefined;
    if (isValidTenantId(name)) {
      tenant = await this.#tenants.find(name);
    } else if (isValidDomain(name)) {
      const id = await this.#tenants.findIdByDomain(name);
      tenant = id ? await this.#tenants.find(id) : undefined;
    }
    if (tenant) this.#cache.set(name, tenant);
    return tenant;
  }

  forget(tenant: Tenant): void {
    this.#cache.delete(tenant.id);
    for (const domain of tenant.verifiedDomains) this.#cache.delete(domain);
  }
}
