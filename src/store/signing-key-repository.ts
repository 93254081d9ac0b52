import type { JWK } from 'jose';

import type { SigningKey } from '../tenants/signing-keys.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';
import { versionOf } from './record-version.ts';
import type { SecretBox } from './secret-box.ts';

/** A signing key as stored: the private JWK sealed with KEY_ENCRYPTION_KEY, bound to tenant and kid. */
type StoredSigningKey = Omit<SigningKey, 'privateJwk'> & { sealedPrivateJwk: string };
/** The key set as stored; sets stored before versions existed are a bare array (version 0). */
type StoredKeySet = { version: number; keys: StoredSigningKey[] } | StoredSigningKey[];

/** A tenant's keys with the version they were read at, for a compare-and-set replace. */
export interface SigningKeySet {
  keys: SigningKey[];
  version: number;
}

export class SigningKeyRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;
  readonly #secrets: SecretBox;

  constructor(store: KeyValueStore, keys: Keys, secrets: SecretBox) {
    this.#store = store;
    this.#keys = keys;
    this.#secrets = secrets;
  }

  async load(tenantId: string): Promise<SigningKeySet | undefined> {
    const stored = await this.#store.get(this.#keys.signingKeys(tenantId));
    if (!stored) return undefined;
    const parsed = JSON.parse(stored) as StoredKeySet;
    const [version, sealed] = Array.isArray(parsed) ? [0, parsed] : [versionOf(parsed), parsed.keys];
    return {
      version,
      keys: sealed.map(({ sealedPrivateJwk, ...key }) => ({
        ...key,
        privateJwk: JSON.parse(this.#secrets.open(sealedPrivateJwk, boundTo(tenantId, key.kid))) as JWK,
      })),
    };
  }

  /** Saves the first key set of a tenant; false when one exists already (another process won). */
  saveInitial(tenantId: string, keys: SigningKey[]): Promise<boolean> {
    const key = this.#keys.signingKeys(tenantId);
    return this.#store.write([{ type: 'set', key, value: this.#seal(tenantId, keys, 1) }], { absent: [key] });
  }

  /**
   * Replaces the key set read at `previous.version`, compare-and-set: false when another rotation
   * (or anything) wrote the keys since; the caller rotates the fresh set again.
   */
  replace(tenantId: string, previous: SigningKeySet, keys: SigningKey[]): Promise<boolean> {
    const key = this.#keys.signingKeys(tenantId);
    return this.#store.write(
      [{ type: 'set', key, value: this.#seal(tenantId, keys, previous.version + 1) }],
      { versions: [{ key, version: previous.version }] },
    );
  }

  #seal(tenantId: string, keys: SigningKey[], version: number): string {
    return JSON.stringify({
      version,
      keys: keys.map(({ privateJwk, ...key }): StoredSigningKey => ({
        ...key,
        sealedPrivateJwk: this.#secrets.seal(JSON.stringify(privateJwk), boundTo(tenantId, key.kid)),
      })),
    });
  }
}

function boundTo(tenantId: string, kid: string): string {
  return `signing-key:${tenantId}:${kid}`;
}
