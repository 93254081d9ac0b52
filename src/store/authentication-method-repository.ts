import type { AuthenticationMethod } from '../mfa/authentication-method.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';

/**
 * A user's second factors (src/mfa/authentication-method.ts): one record per method, and a set
 * naming them, so a user's methods are read in two round trips and removed in one.
 */
export class AuthenticationMethodRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;

  constructor(store: KeyValueStore, keys: Keys) {
    this.#store = store;
    this.#keys = keys;
  }

  /** The user's methods, oldest first. */
  async list(tenantId: string, userId: string): Promise<AuthenticationMethod[]> {
    const keys = await this.#store.setMembers(this.#keys.authenticationMethods(tenantId, userId));
    const records = keys.length > 0 ? await this.#store.getMany(keys) : [];
    return records
      .filter((record): record is string => record !== null)
      .map((record) => JSON.parse(record) as AuthenticationMethod)
      .sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime) || a.id.localeCompare(b.id));
  }

  async find(tenantId: string, userId: string, methodId: string): Promise<AuthenticationMethod | undefined> {
    const record = await this.#store.get(this.#keys.authenticationMethod(tenantId, userId, methodId));
    return record ? (JSON.parse(record) as AuthenticationMethod) : undefined;
  }

  /** Stores a method, new or changed (a passkey's counter, recovery codes used), replacing `replaces` in the same write. */
  async save(tenantId: string, userId: string, method: AuthenticationMethod, replaces: AuthenticationMethod[] = []): Promise<void> {
    const key = this.#keys.authenticationMethod(tenantId, userId, method.id);
    const index = this.#keys.authenticationMethods(tenantId, userId);
    const gone = replaces.filter((old) => old.id !== method.id).map((old) => this.#keys.authenticationMethod(tenantId, userId, old.id));
    await this.#store.write([
      ...gone.map((oldKey) => ({ type: 'delete' as const, key: oldKey })),
      ...(gone.length > 0 ? [{ type: 'setRemove' as const, key: index, members: gone }] : []),
      { type: 'set', key, value: JSON.stringify(method) },
      { type: 'setAdd', key: index, members: [key] },
    ]);
  }

  /**
   * Replaces a method only while it is still as `previous` was read (a recovery code used twice
   * at once counts once): false when another request changed it first.
   */
  async replace(tenantId: string, userId: string, previous: AuthenticationMethod, next: AuthenticationMethod): Promise<boolean> {
    const key = this.#keys.authenticationMethod(tenantId, userId, previous.id);
    const version = previous.version ?? 0;
    return this.#store.write([{ type: 'set', key, value: JSON.stringify({ ...next, version: version + 1 }) }], { versions: [{ key, version }] });
  }

  /** Removes one method; false when the user has no such method. */
  async delete(tenantId: string, userId: string, methodId: string): Promise<boolean> {
    const key = this.#keys.authenticationMethod(tenantId, userId, methodId);
    return this.#store.write([
      { type: 'delete', key },
      { type: 'setRemove', key: this.#keys.authenticationMethods(tenantId, userId), members: [key] },
    ], { present: [key] });
  }

  /** Removes every method of the user (the user is deleted, or their redemption reset). */
  async deleteAll(tenantId: string, userId: string): Promise<void> {
    await this.#store.deleteSetsAndMembers([this.#keys.authenticationMethods(tenantId, userId)]);
  }
}
