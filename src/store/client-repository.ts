import { LRUCache } from 'lru-cache';
import type { ClientAuthMethod, ResponseType } from 'oidc-provider';

import { RECORD_CACHE_SECONDS } from '../limits.ts';
import { generationOf, type TenantRef } from '../tenants/tenant.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';
import type { SecretBox } from './secret-box.ts';

/** A relying party registered in a tenant, in OAuth client metadata names (RFC 7591). */
export type RegisteredClient = {
  client_id: string;
  client_name: string;
  /**
   * `native` (RFC 8252): loopback redirect URIs match any port, private-use schemes are allowed.
   * Absent on clients registered before it existed; oidc-provider's default is `web`.
   */
  application_type?: 'web' | 'native';
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: ResponseType[];
  token_endpoint_auth_method: ClientAuthMethod;
  id_token_signed_response_alg?: 'RS256' | 'ES256';
  /** OpenID Connect Back-Channel Logout 1.0: where the logout token is POSTed when the guest signs out. */
  backchannel_logout_uri?: string;
  /** The logout token (and so every ID token for this client) carries `sid`. */
  backchannel_logout_session_required?: boolean;
  /** `admin` lets the client's client-credentials tokens manage its own tenant. */
  roles: string[];
  client_id_issued_at: number;
};

/** Client metadata exactly as oidc-provider wants it: the record plus the plain secret. */
export type ClientMetadata = RegisteredClient & { client_secret?: string };

type StoredClient = RegisteredClient & { sealedClientSecret?: string };

/** Most client records a process keeps unsealed at once. */
const MAX_CACHED_CLIENTS = 10_000;

export class ClientRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;
  readonly #secrets: SecretBox;
  /**
   * oidc-provider looks the client up on every token, introspection and authorization request.
   * Reading and unsealing it each time was the largest cost of a client-credentials token, so a
   * process keeps it for a few seconds; a delete here forgets it at once, other processes follow
   * within RECORD_CACHE_SECONDS. An entry belongs to one generation of its tenant: a tenant
   * deleted and created again under the same id never gets the old tenant's clients from here.
   */
  readonly #metadataCache = new LRUCache<string, { generation: string; metadata: ClientMetadata }>({ max: MAX_CACHED_CLIENTS, ttl: RECORD_CACHE_SECONDS * 1000 });

  constructor(store: KeyValueStore, keys: Keys, secrets: SecretBox) {
    this.#store = store;
    this.#keys = keys;
    this.#secrets = secrets;
  }

  async find(tenantId: string, clientId: string): Promise<RegisteredClient | undefined> {
    const stored = await this.#read(tenantId, clientId);
    if (!stored) return undefined;
    const { sealedClientSecret: _secret, ...client } = stored;
    return client;
  }

  /** The metadata oidc-provider authenticates the client with, secret unsealed. */
  async findMetadata(tenant: TenantRef, clientId: string): Promise<ClientMetadata | undefined> {
    const tenantId = tenant.id;
    const cacheKey = `${tenantId}\n${clientId}`;
    const cached = this.#metadataCache.get(cacheKey);
    if (cached?.generation === generationOf(tenant)) return cached.metadata;
    const stored = await this.#read(tenantId, clientId);
    if (!stored) return undefined;
    const { sealedClientSecret, ...client } = stored;
    const metadata = sealedClientSecret
      ? { ...client, client_secret: this.#secrets.open(sealedClientSecret, boundTo(tenantId, clientId)) }
      : client;
    this.#metadataCache.set(cacheKey, { generation: generationOf(tenant), metadata });
    return metadata;
  }

  async list(tenantId: string): Promise<RegisteredClient[]> {
    const ids = (await this.#store.setMembers(this.#keys.clientIndex(tenantId))).sort();
    const stored = await this.#store.getMany(ids.map((id) => this.#keys.client(tenantId, id)));
    return stored
      .filter((value): value is string => value !== null)
      .map((value) => {
        const { sealedClientSecret: _secret, ...client } = JSON.parse(value) as StoredClient;
        return client;
      });
  }

  /** Stores a new client; false when the id is taken. */
  create(tenantId: string, metadata: ClientMetadata): Promise<boolean> {
    const { client_secret: secret, ...client } = metadata;
    const stored: StoredClient = secret
      ? { ...client, sealedClientSecret: this.#secrets.seal(secret, boundTo(tenantId, client.client_id)) }
      : client;
    const key = this.#keys.client(tenantId, client.client_id);
    return this.#store.write(
      [
        { type: 'set', key, value: JSON.stringify(stored) },
        { type: 'setAdd', key: this.#keys.clientIndex(tenantId), members: [client.client_id] },
      ],
      { absent: [key] },
    );
  }

  /** False when there was no such client. */
  delete(tenantId: string, clientId: string): Promise<boolean> {
    const key = this.#keys.client(tenantId, clientId);
    this.#metadataCache.delete(`${tenantId}\n${clientId}`);
    return this.#store.write(
      [
        { type: 'delete', key },
        { type: 'setRemove', key: this.#keys.clientIndex(tenantId), members: [clientId] },
      ],
      { present: [key] },
    );
  }

  async #read(tenantId: string, clientId: string): Promise<StoredClient | undefined> {
    const stored = await this.#store.get(this.#keys.client(tenantId, clientId));
    return stored ? (JSON.parse(stored) as StoredClient) : undefined;
  }
}

function boundTo(tenantId: string, clientId: string): string {
  return `client-secret:${tenantId}:${clientId}`;
}
