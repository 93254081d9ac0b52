import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';

/** A WebAuthn challenge as issued: what it was for, and for whom. */
export interface PasskeyChallenge {
  /** base64url, as in the options the page got. */
  challenge: string;
  ceremony: 'registration' | 'authentication';
  userId: string;
}

/**
 * The challenge of each sign-in attempt's passkey page (src/mfa/passkey). It lives a few minutes
 * and is taken out of the store, atomically, by the one request that checks a response against it,
 * whatever the outcome: a response can never be checked twice, nor two responses against one challenge.
 */
export class PasskeyChallengeRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;

  constructor(store: KeyValueStore, keys: Keys) {
    this.#store = store;
    this.#keys = keys;
  }

  /** Stores the attempt's challenge, replacing an earlier one (only the newest page's options work). */
  async issue(tenantId: string, uid: string, challenge: PasskeyChallenge, ttlSeconds: number): Promise<void> {
    await this.#store.write([{ type: 'set', key: this.#keys.passkeyChallenge(tenantId, uid), value: JSON.stringify(challenge), ttlSeconds }]);
  }

  /** The attempt's challenge, taken out of the store; undefined when there is none (expired, or already used). */
  async take(tenantId: string, uid: string): Promise<PasskeyChallenge | undefined> {
    const stored = await this.#store.getAndDelete(this.#keys.passkeyChallenge(tenantId, uid));
    return stored ? (JSON.parse(stored) as PasskeyChallenge) : undefined;
  }
}
