import { LRUCache } from 'lru-cache';

import type { Branding, SquareLogo, SquareLogoInfo } from '../branding/branding.ts';
import { ConcurrentChangeError } from '../errors.ts';
import { CONCURRENT_WRITE_ATTEMPTS, RECORD_CACHE_SECONDS } from '../limits.ts';
import { generationOf, type TenantRef } from '../tenants/tenant.ts';
import type { KeyValueStore, Write, WriteConditions } from './key-value-store.ts';
import type { Keys } from './keys.ts';
import { CHANGED, retryChanged, type Versioned, versionOf } from './record-version.ts';

/**
 * The record as stored. It names the tenant generation it was written for: tenant deletion purges
 * everything under the tenant's prefix, but a write that lands between that purge and the removal
 * of the tenant record would otherwise dress a later tenant of the same id in its predecessor's
 * brand. A record of another generation counts as no branding at all.
 */
type StoredBranding = Branding & Versioned & { generation: string };

/**
 * A tenant's company branding: one versioned record (the text fields and what is known of the
 * logo), written compare-and-set like the other records, and the logo's bytes under a key of
 * their own (base64, as the store holds strings), so reading the branding for a page never loads
 * the picture. Record and bytes change in one batch: the record never names a logo that is not
 * the one stored. Both keys live under the tenant's prefix, so deleting the tenant purges them.
 */
export class BrandingRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;
  /**
   * Every sign-in page will read the branding; it rarely changes. Writes here forget the entry at
   * once, other processes follow within RECORD_CACHE_SECONDS. Entries belong to one generation.
   */
  readonly #cache = new LRUCache<string, { generation: string; branding: Branding }>({ max: 10_000, ttl: RECORD_CACHE_SECONDS * 1000 });

  constructor(store: KeyValueStore, keys: Keys) {
    this.#store = store;
    this.#keys = keys;
  }

  /** The tenant's branding; `{}` when it set none. */
  async find(tenant: TenantRef): Promise<Branding> {
    const cached = this.#cache.get(tenant.id);
    if (cached && cached.generation === generationOf(tenant)) return cached.branding;
    const stored = await this.#read(tenant);
    const branding = stored ? withoutBookkeeping(stored) : {};
    this.#cache.set(tenant.id, { generation: generationOf(tenant), branding });
    return branding;
  }

  /** The logo with its bytes, read together in one round trip; undefined when there is none. */
  async findSquareLogo(tenant: TenantRef): Promise<SquareLogo | undefined> {
    const [record, bytes] = await this.#store.getMany([this.#keys.branding(tenant.id), this.#keys.brandingSquareLogo(tenant.id)]);
    const stored = record ? (JSON.parse(record) as StoredBranding) : undefined;
    if (!stored?.squareLogo || stored.generation !== generationOf(tenant) || typeof bytes !== 'string') return undefined;
    return { info: stored.squareLogo, bytes: Buffer.from(bytes, 'base64') };
  }

  /** Writes what `change` makes of the current branding (a PATCH); returns the branding as written. */
  async update(tenant: TenantRef, change: (current: Branding) => Branding): Promise<Branding> {
    return (await this.#change(tenant, (branding) => ({ branding: change(branding), logo: [] }))) as Branding;
  }

  /** Stores the logo (already checked: branding/logo-image.ts) in place of any earlier one. */
  async saveSquareLogo(tenant: TenantRef, info: SquareLogoInfo, bytes: Buffer): Promise<Branding> {
    return (await this.#change(tenant, (branding) => ({
      branding: { ...branding, squareLogo: info },
      logo: [{ type: 'set', key: this.#keys.brandingSquareLogo(tenant.id), value: bytes.toString('base64') }],
    }))) as Branding;
  }

  /** Removes the logo; false when there was none. */
  async deleteSquareLogo(tenant: TenantRef): Promise<boolean> {
    const written = await this.#change(tenant, ({ squareLogo, ...rest }) => (squareLogo
      ? { branding: rest, logo: [{ type: 'delete', key: this.#keys.brandingSquareLogo(tenant.id) }] }
      : undefined));
    return written !== undefined;
  }

  async #read(tenant: TenantRef): Promise<StoredBranding | undefined> {
    const value = await this.#store.get(this.#keys.branding(tenant.id));
    const stored = value ? (JSON.parse(value) as StoredBranding) : undefined;
    return stored?.generation === generationOf(tenant) ? stored : undefined;
  }

  /**
   * Read, change, compare-and-set write of the record (plus the logo writes the change brings),
   * again from a fresh read while other writers get there first. A leftover record of an earlier
   * tenant generation is replaced as if absent, its logo bytes with it. A change that returns
   * undefined has nothing to do: nothing is written, and undefined is returned.
   */
  async #change(tenant: TenantRef, change: (branding: Branding) => { branding: Branding; logo: Write[] } | undefined): Promise<Branding | undefined> {
    const key = this.#keys.branding(tenant.id);
    const written = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      const value = await this.#store.get(key);
      const raw = value ? (JSON.parse(value) as StoredBranding) : undefined;
      const current = raw?.generation === generationOf(tenant) ? raw : undefined;
      const next = change(current ? withoutBookkeeping(current) : {});
      if (!next) return undefined;
      const stored: StoredBranding = { ...next.branding, generation: generationOf(tenant), version: raw ? versionOf(raw) + 1 : 0 };
      const leftoverLogo: Write[] = raw && !current && next.logo.length === 0 ? [{ type: 'delete', key: this.#keys.brandingSquareLogo(tenant.id) }] : [];
      const conditions: WriteConditions = raw ? { versions: [{ key, version: versionOf(raw) }] } : { absent: [key] };
      const applied = await this.#store.write([{ type: 'set', key, value: JSON.stringify(stored) }, ...next.logo, ...leftoverLogo], conditions);
      return applied ? next.branding : CHANGED;
    }, () => new ConcurrentChangeError(`Branding of tenant '${tenant.id}'`));
    this.#cache.delete(tenant.id);
    return written;
  }
}

function withoutBookkeeping({ generation: _generation, version: _version, ...branding }: StoredBranding): Branding {
  return branding;
}
