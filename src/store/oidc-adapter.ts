import type { Adapter, AdapterPayload } from 'oidc-provider';

import type { KeyValueStore, Write } from './key-value-store.ts';
import type { Keys } from './keys.ts';

/**
 * oidc-provider's storage adapter over the key-value port, one instance per tenant and model.
 *
 * Each model instance is a hash `{payload, consumed?}` so `consume` is a single field write that
 * keeps the key's TTL. Secondary indexes are written in the same atomic batch as the record:
 * tokens of a grant (revokeByGrantId is one script call), session uid, device user code, and the
 * sessions and grants of an account (so deleting a guest revokes everything at once).
 */

/** Models that carry a grantId and must disappear when their grant is revoked. */
const GRANT_LINKED_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Models indexed by account, for revoking a guest's sign-in state. */
const ACCOUNT_LINKED_MODELS = new Set(['Session', 'Grant']);

/** Clients live in the clients repository, not in oidc-provider's model storage. */
export type ClientMetadataLookup = (clientId: string) => Promise<AdapterPayload | undefined>;

export function oidcAdapterFactory(
  store: KeyValueStore,
  keys: Keys,
  tenantId: string,
  findClientMetadata: ClientMetadataLookup,
): (model: string) => Adapter {
  return (model: string) => (model === 'Client'
    ? new ClientAdapter(findClientMetadata)
    : new ModelAdapter(store, keys, tenantId, model));
}

export class ModelAdapter implements Adapter {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;
  readonly #tenantId: string;
  readonly #model: string;

  constructor(store: KeyValueStore, keys: Keys, tenantId: string, model: string) {
    this.#store = store;
    this.#keys = keys;
    this.#tenantId = tenantId;
    this.#model = model;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    const ttlSeconds = expiresIn;
    const writes: Write[] = [
      { type: 'delete', key },
      { type: 'hashSet', key, fields: { payload: JSON.stringify(payload) }, ttlSeconds },
    ];
    if (this.#model === 'Session' && payload.uid) {
      writes.push({ type: 'set', key: this.#keys.sessionByUid(this.#tenantId, payload.uid), value: id, ttlSeconds });
    }
    if (payload.userCode) {
      writes.push({ type: 'set', key: this.#keys.deviceCodeByUserCode(this.#tenantId, payload.userCode), value: id, ttlSeconds });
    }
    if (GRANT_LINKED_MODELS.has(this.#model) && payload.grantId) {
      writes.push({ type: 'setAdd', key: this.#keys.grantTokens(this.#tenantId, payload.grantId), members: [key], ttlSeconds });
    }
    if (ACCOUNT_LINKED_MODELS.has(this.#model) && payload.accountId) {
      writes.push({ type: 'setAdd', key: this.#keys.accountArtifacts(this.#tenantId, payload.accountId), members: [key], ttlSeconds });
    }
    await this.#store.write(writes);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const stored = await this.#store.hashGetAll(this.#key(id));
    if (!stored?.payload) return undefined;
    const payload = JSON.parse(stored.payload) as AdapterPayload;
    if (stored.consumed) payload.consumed = Number(stored.consumed);
    return payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.#store.get(this.#keys.sessionByUid(this.#tenantId, uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.#store.get(this.#keys.deviceCodeByUserCode(this.#tenantId, userCode));
    return id ? this.find(id) : undefined;
  }

  /** Marks the record used; only an existing record can be consumed, and it keeps its TTL. */
  async consume(id: string): Promise<void> {
    const key = this.#key(id);
    const consumedAt = String(Math.floor(Date.now() / 1000));
    await this.#store.write([{ type: 'hashSet', key, fields: { consumed: consumedAt } }], { present: [key] });
  }

  async destroy(id: string): Promise<void> {
    // Index entries pointing here go stale and harmless: every lookup through them ends in find().
    await this.#store.write([{ type: 'delete', key: this.#key(id) }]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#store.deleteSetsAndMembers([this.#keys.grantTokens(this.#tenantId, grantId)]);
  }

  #key(id: string): string {
    return this.#keys.oidcModel(this.#tenantId, this.#model, id);
  }
}

/** Read-only view of the tenant's registered clients; they are managed through the admin API. */
class ClientAdapter implements Adapter {
  readonly #findClientMetadata: ClientMetadataLookup;

  constructor(findClientMetadata: ClientMetadataLookup) {
    this.#findClientMetadata = findClientMetadata;
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.#findClientMetadata(id);
  }

  async upsert(): Promise<void> { throw new Error('clients are managed through the admin API'); }
  async findByUid(): Promise<undefined> { return undefined; }
  async findByUserCode(): Promise<undefined> { return undefined; }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> { throw new Error('clients are managed through the admin API'); }
  async revokeByGrantId(): Promise<void> {}
}

/**
 * Ends everything an account holds in a tenant at once: its sessions, its grants and every token
 * issued under them. Two round trips: read the account's index, then one script deleting the
 * index, what it lists, the tokens of each grant and those grants' indexes.
 */
export async function revokeAccount(store: KeyValueStore, keys: Keys, tenantId: string, accountId: string): Promise<void> {
  const accountIndex = keys.accountArtifacts(tenantId, accountId);
  const grantPrefix = keys.oidcModel(tenantId, 'Grant', '');
  const grantIndexes = (await store.setMembers(accountIndex))
    .filter((key) => key.startsWith(grantPrefix))
    .map((key) => keys.grantTokens(tenantId, key.slice(grantPrefix.length)));
  await store.deleteSetsAndMembers([accountIndex, ...grantIndexes]);
}
