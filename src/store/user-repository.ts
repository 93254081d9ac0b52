import type { User } from '../guests/user.ts';
import type { KeyValueStore, Write } from './key-value-store.ts';
import type { Keys } from './keys.ts';

/** Fields the users list can be filtered by; each value has a creation-ordered index. */
export const USER_FILTER_FIELDS = ['userType', 'externalUserState', 'source'] as const;
export type UserFilterField = (typeof USER_FILTER_FIELDS)[number];
export type UserFilter = Partial<Record<UserFilterField, string>>;

export interface UserPage {
  users: User[];
  /** Where the next page starts; undefined on the last page. */
  nextOffset: number | undefined;
}

/** How many ids a listing reads per round trip while it filters. */
const LIST_CHUNK = 200;

/**
 * The users of a tenant: the record under its id and, as a copy written in the same atomic batch,
 * under its address (one user per address per tenant), so a sign-in finds a user by address in one
 * round trip. Creation-ordered indexes, one for all users and one per value of each filter field,
 * serve listing and filtering in large tenants; every write keeps them in step atomically.
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
    const value = JSON.stringify(user);
    return this.#store.write(
      [
        { type: 'set', key: this.#keys.user(tenantId, user.id), value },
        { type: 'set', key: byMail, value },
        ...this.#indexWrites(tenantId, undefined, user),
      ],
      { absent: [byMail] },
    );
  }

  /** Replaces an existing user's record; false when the user no longer exists. */
  update(tenantId: string, previous: User, next: User): Promise<boolean> {
    const key = this.#keys.user(tenantId, next.id);
    const value = JSON.stringify(next);
    return this.#store.write(
      [
        { type: 'set', key, value },
        { type: 'set', key: this.#keys.userByMail(tenantId, next.mail), value },
        ...this.#indexWrites(tenantId, previous, next),
      ],
      { present: [key] },
    );
  }

  /** Removes the user, their address index and listing entries. */
  async delete(tenantId: string, user: User): Promise<void> {
    await this.#store.write([
      { type: 'delete', key: this.#keys.user(tenantId, user.id) },
      { type: 'delete', key: this.#keys.userByMail(tenantId, user.mail) },
      ...this.#indexWrites(tenantId, user, undefined),
    ]);
  }

  /**
   * A page of users, oldest first. With a filter the first filtered field's index drives the
   * scan and the other fields are checked on the records read.
   */
  async list(tenantId: string, filter: UserFilter, offset: number, limit: number): Promise<UserPage> {
    const [driving, ...checked] = USER_FILTER_FIELDS.filter((field) => filter[field] !== undefined);
    const index = driving
      ? this.#keys.userIndexBy(tenantId, driving, filter[driving] as string)
      : this.#keys.userIndex(tenantId);
    const users: User[] = [];
    let position = offset;
    for (;;) {
      const page = await this.#store.sortedSetRange(index, position, LIST_CHUNK);
      const records = await this.#store.getMany(page.members.map((id) => this.#keys.user(tenantId, id)));
      for (const record of records) {
        position += 1;
        if (!record) continue;
        const user = JSON.parse(record) as User;
        if (checked.every((field) => user[field] === filter[field])) users.push(user);
        if (users.length === limit) return { users, nextOffset: position < page.total ? position : undefined };
      }
      if (page.members.length < LIST_CHUNK || position >= page.total) return { users, nextOffset: undefined };
    }
  }

  /** Moves the user between the listing indexes as its indexed fields change. */
  #indexWrites(tenantId: string, previous: User | undefined, next: User | undefined): Write[] {
    const user = (next ?? previous) as User;
    const score = Date.parse(user.createdDateTime);
    const writes: Write[] = [];
    if (!previous) writes.push({ type: 'sortedSetAdd', key: this.#keys.userIndex(tenantId), member: user.id, score });
    if (!next) writes.push({ type: 'sortedSetRemove', key: this.#keys.userIndex(tenantId), member: user.id });
    for (const field of USER_FILTER_FIELDS) {
      const before = previous?.[field] ?? null;
      const after = next?.[field] ?? null;
      if (before === after) continue;
      if (before !== null) writes.push({ type: 'sortedSetRemove', key: this.#keys.userIndexBy(tenantId, field, before), member: user.id });
      if (after !== null) writes.push({ type: 'sortedSetAdd', key: this.#keys.userIndexBy(tenantId, field, after), member: user.id, score });
    }
    return writes;
  }
}
