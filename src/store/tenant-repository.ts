import type { Tenant } from '../tenants/tenant.ts';
import type { KeyValueStore, Write } from './key-value-store.ts';
import type { Keys } from './keys.ts';
import { versionOf } from './record-version.ts';

/** Why a tenant could not be written; the admin API turns it into a 409 (or 404) with this detail. */
export type TenantConflict =
  | { kind: 'idTaken' }
  | { kind: 'domainTaken'; domain: string; ownerId: string }
  | { kind: 'missing' }
  /** Someone else wrote the tenant since it was read: read again and re-apply, or give up. */
  | { kind: 'changed' };

/**
 * Tenant records and their domain claims. A claim key per domain makes "a domain belongs to one
 * tenant" a store-level guarantee: creation and domain changes are conditional batches.
 */
export class TenantRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;

  constructor(store: KeyValueStore, keys: Keys) {
    this.#store = store;
    this.#keys = keys;
  }

  async find(id: string): Promise<Tenant | undefined> {
    const stored = await this.#store.get(this.#keys.tenant(id));
    return stored ? (JSON.parse(stored) as Tenant) : undefined;
  }

  findIdByDomain(domain: string): Promise<string | null> {
    return this.#store.get(this.#keys.domainClaim(domain));
  }

  async list(): Promise<Tenant[]> {
    const ids = (await this.#store.setMembers(this.#keys.tenantIndex())).sort();
    const stored = await this.#store.getMany(ids.map((id) => this.#keys.tenant(id)));
    return stored.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as Tenant);
  }

  /** Writes the tenant and claims its domains, or nothing at all. */
  async create(tenant: Tenant): Promise<TenantConflict | undefined> {
    const claims = tenant.verifiedDomains.map((domain) => this.#keys.domainClaim(domain));
    const created = await this.#store.write(
      [
        { type: 'set', key: this.#keys.tenant(tenant.id), value: JSON.stringify(tenant) },
        ...tenant.verifiedDomains.map((domain): Write => ({ type: 'set', key: this.#keys.domainClaim(domain), value: tenant.id })),
        { type: 'setAdd', key: this.#keys.tenantIndex(), members: [tenant.id] },
      ],
      { absent: [this.#keys.tenant(tenant.id), ...claims] },
    );
    if (created) return undefined;
    if (await this.find(tenant.id)) return { kind: 'idTaken' };
    return (await this.#domainConflict(tenant.verifiedDomains)) ?? { kind: 'idTaken' };
  }

  /**
   * Replaces the record, compare-and-set: only while the stored record is still `previous` (same
   * version), so the domain claims released and taken are the right ones. Claims added domains and
   * releases removed ones in the same batch. Returns the record as written, with its new version.
   */
  async update(previous: Tenant, next: Tenant): Promise<Tenant | TenantConflict> {
    const key = this.#keys.tenant(next.id);
    const added = next.verifiedDomains.filter((domain) => !previous.verifiedDomains.includes(domain));
    const removed = previous.verifiedDomains.filter((domain) => !next.verifiedDomains.includes(domain));
    const written: Tenant = { ...next, version: versionOf(previous) + 1 };
    const updated = await this.#store.write(
      [
        { type: 'set', key, value: JSON.stringify(written) },
        ...added.map((domain): Write => ({ type: 'set', key: this.#keys.domainClaim(domain), value: next.id })),
        ...removed.map((domain): Write => ({ type: 'delete', key: this.#keys.domainClaim(domain) })),
      ],
      { versions: [{ key, version: versionOf(previous) }], absent: added.map((domain) => this.#keys.domainClaim(domain)) },
    );
    if (updated) return written;
    const current = await this.find(next.id);
    if (!current) return { kind: 'missing' };
    if (versionOf(current) !== versionOf(previous) || current.generation !== previous.generation) return { kind: 'changed' };
    return (await this.#domainConflict(added)) ?? { kind: 'changed' };
  }

  /**
   * Removes the record and its claims, compare-and-set like update (a domain added meanwhile would
   * keep its claim otherwise). The tenant's own data is purged separately (purgeData).
   */
  async delete(tenant: Tenant): Promise<boolean> {
    const key = this.#keys.tenant(tenant.id);
    return this.#store.write(
      [
        { type: 'delete', key },
        ...tenant.verifiedDomains.map((domain): Write => ({ type: 'delete', key: this.#keys.domainClaim(domain) })),
        { type: 'setRemove', key: this.#keys.tenantIndex(), members: [tenant.id] },
      ],
      { versions: [{ key, version: versionOf(tenant) }] },
    );
  }

  /** Deletes everything stored under the tenant: keys, clients, guests, sessions, tokens. */
  purgeData(tenantId: string): Promise<number> {
    return this.#store.deleteByPrefix(this.#keys.tenantPrefix(tenantId));
  }

  async #domainConflict(domains: string[]): Promise<TenantConflict | undefined> {
    const owners = await this.#store.getMany(domains.map((domain) => this.#keys.domainClaim(domain)));
    const index = owners.findIndex((owner) => owner !== null);
    return index >= 0 ? { kind: 'domainTaken', domain: domains[index] as string, ownerId: owners[index] as string } : undefined;
  }
}
