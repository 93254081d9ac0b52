import type { User } from '../guests/user.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';

/**
 * The users of a tenant: the record under its id and, as a copy written in the same atomic batch,
 * under its address (one user per address per tenant), so a sign-in finds a user by address in one
 * round trip. A creation-ordered index serves listing.
 */
export class UserRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;

  constructor(store: KeyValueStore, keys: Keys) {
    this.#store = store;
    this.#keys = keys;
  }

  async find(tenantId: string, userId: string): Promise<User | undefined> {
    const stored = await this.#store.get(this.#keys.user(tenantId, userId));
    return stored ? (JSON.parse(stored) as User) : undefined;
  }

  async findByMail(tenantId: string, mail: string): Promise<User | undefined> {
    const stored = await this.#store.get(this.#keys.userByMail(tenantId, mail));
    return stored ? (JSON.parse(stored) as User) : undefined;
  }

  /** Stores a new user; false when the address already has one in this tenant. */
  create(tenantId: string, user: User): Promise<boolean> {
    const byMail = this.#keys.userByMail(tenantId, user.mail);
    return this.#store.write(
      [
        { type: 'set', key: this.#keys.user(tenantId, user.id), value: JSON.stringify(user) },
        { type: 'set', key: byMail, value: JSON.stringify(user) },
        { type: 'sortedSetAdd', key: this.#keys.userIndex(tenantId), member: user.id, score: Date.parse(user.createdDateTime) },
      ],
      { absent: [byMail] },
    );
  }

  /** Removes the user, their address index and listing entry. */
  async delete(tenantId: string, user: User): Promise<void> {
    await this.#store.write([
      { type: 'delete', key: this.#keys.user(tenantId, user.id) },
      { type: 'delete', key: this.#keys.userByMail(tenantId, user.mail) },
      { type: 'sortedSetRemove', key: this.#keys.userIndex(tenantId), member: user.id },
    ]);
  }

  /** Replaces an existing user's record; false when the user no longer exists. */
  update(tenantId: string, user: User): Promise<boolean> {
    const key = this.#keys.user(tenantId, user.id);
    const value = JSON.stringify(user);
    return this.#store.write(
      [{ type: 'set', key, value }, { type: 'set', key: this.#keys.userByMail(tenantId, user.mail), value }],
      { present: [key] },
    );
  }
}
