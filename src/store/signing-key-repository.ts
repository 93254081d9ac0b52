import type { JWK } from 'jose';

import type { SigningKey } from '../tenants/signing-keys.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';
import type { SecretBox } from './secret-box.ts';

/** A signing key as stored: the private JWK sealed with KEY_ENCRYPTION_KEY, bound to tenant and kid. */
type StoredSigningKey = Omit<SigningKey, 'privateJwk'> & { sealedPrivateJwk: string };

export class SigningKeyRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;
  readonly #secrets: SecretBox;

  constructor(store: KeyValueStore, keys: Keys, secrets: SecretBox) {
    this.#store = store;
    this.#keys = keys;
    this.#secrets = secrets;
  }

  async load(tenantId: string): Promise<SigningKey[] | undefined> {
    const stored = await this.#store.get(this.#keys.signingKeys(tenantId));
    if (!stored) return undefined;
    return (JSON.parse(stored) as StoredSigningKey[]).map(({ sealedPrivateJwk, ...key }) => ({
      ...key,
      privateJwk: JSON.parse(this.#secrets.open(sealedPrivateJwk, boundTo(tenantId, key.kid))) as JWK,
    }));
  }

  /** Saves the first key set of a tenant; false when one exists already (another process won). */
  saveInitial(tenantId: string, keys: SigningKey[]): Promise<boolean> {
    const key = this.#keys.signingKeys(tenantId);
    return this.#store.write([{ type: 'set', key, value: this.#seal(tenantId, keys) }], { absent: [key] });
  }

  async replace(tenantId: string, keys: SigningKey[]): Promise<void> {
    await this.#store.write([{ type: 'set', key: this.#keys.signingKeys(tenantId), value: this.#seal(tenantId, keys) }]);
  }

  #seal(tenantId: string, keys: SigningKey[]): string {
    return JSON.stringify(keys.map(({ privateJwk, ...key }): StoredSigningKey => ({
      ...key,
      sealedPrivateJwk: this.#secrets.seal(JSON.stringify(privateJwk), boundTo(tenantId, key.kid)),
    })));
  }
}

function boundTo(tenantId: string, kid: string): string {
  return `signing-key:${tenantId}:${kid}`;
}
