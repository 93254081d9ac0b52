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
 * within those seconds. Misses are remembered as long: home-realm discovery asks about every
 * guest's domain, and most are nobody's tenant. A tenant created or given a domain through this
 * process is found at once (TenantService forgets its id and domains); elsewhere within those seconds.
 */
export class TenantDirectory {
  readonly #tenants: TenantRepository;
  /** `{ tenant: undefined }`: looked up, no such tenant. */
  readonly #cache = new LRUCache<string, { tenant: Tenant | undefined }>({ max: MAX_CACHED_LOOKUPS, ttl: RECORD_CACHE_SECONDS * 1000 });

  constructor(tenants: TenantRepository) {
    this.#tenants = tenants;
  }

  async resolve(idOrDomain: string): Promise<Tenant | undefined> {
    const name = idOrDomain.toLowerCase();
    const cached = this.#cache.get(name);
    if (cached) return cached.tenant;

    let tenant: Tenant | undefined;
    if (isValidTenantId(name)) {
      tenant = await this.#tenants.find(name);
    } else if (isValidDomain(name)) {
      const id = await this.#tenants.findIdByDomain(name);
      tenant = id ? await this.#tenants.find(id) : undefined;
    }
    this.#cache.set(name, { tenant });
    return tenant;
  }

  forget(tenant: Tenant): void {
    this.#cache.delete(tenant.id);
    for (const domain of tenant.verifiedDomains) this.#cache.delete(domain);
  }
}
