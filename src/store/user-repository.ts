import type { User } from '../guests/user.ts';
import type { KeyValueStore, SortedSetPosition, Write } from './key-value-store.ts';
import type { Keys } from './keys.ts';
import { versionOf } from './record-version.ts';

/** Fields the users list can be filtered by; each value has a creation-ordered index. */
export const USER_FILTER_FIELDS = ['userType', 'externalUserState', 'source'] as const;
export type UserFilterField = (typeof USER_FILTER_FIELDS)[number];
export type UserFilter = Partial<Record<UserFilterField, string>>;

/** Where a listing stopped: the last user it looked at (creation time in ms, then id). */
export type UserCursor = SortedSetPosition;

export interface UserPage {
  users: User[];
  /** Where the next page starts (after this user); undefined on the last page. */
  next: UserCursor | undefined;
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
    // Stored as given: without a version it is version 0, the same as the caller's copy.
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

  /**
   * Replaces the user's record, compare-and-set: only while the stored record is still `previous`
   * (same version), so the index moves computed from `previous` are the right ones. Returns the
   * record as written (with its new version), or undefined when the user was deleted or changed
   * since `previous` was read: read again and re-apply, or give up.
   */
  async update(tenantId: string, previous: User, next: User): Promise<User | undefined> {
    const key = this.#keys.user(tenantId, next.id);
    const written: User = { ...next, version: versionOf(previous) + 1 };
    const value = JSON.stringify(written);
    const applied = await this.#store.write(
      [
        { type: 'set', key, value },
        { type: 'set', key: this.#keys.userByMail(tenantId, next.mail), value },
        ...this.#indexWrites(tenantId, previous, next),
      ],
      { versions: [{ key, version: versionOf(previous) }] },
    );
    return applied ? written : undefined;
  }

  /**
   * Puts `earlier` back exactly as it was (its own version included) while the stored record is
   * still `current`: undoing a write that a later step of the same request could not follow. The
   * version goes back too, which is harmless: the record is then the very one it was at that version.
   */
  async restore(tenantId: string, current: User, earlier: User): Promise<boolean> {
    const key = this.#keys.user(tenantId, current.id);
    const value = JSON.stringify(earlier);
    return this.#store.write(
      [
        { type: 'set', key, value },
        { type: 'set', key: this.#keys.userByMail(tenantId, earlier.mail), value },
        ...this.#indexWrites(tenantId, current, earlier),
      ],
      { versions: [{ key, version: versionOf(current) }] },
    );
  }

  /**
   * Removes the user, their address index and listing entries, compare-and-set like update: false
   * when the user is gone or changed since it was read (its indexes may have moved).
   */
  delete(tenantId: string, user: User): Promise<boolean> {
    const key = this.#keys.user(tenantId, user.id);
    return this.#store.write(
      [
        { type: 'delete', key },
        { type: 'delete', key: this.#keys.userByMail(tenantId, user.mail) },
        ...this.#indexWrites(tenantId, user, undefined),
      ],
      { versions: [{ key, version: versionOf(user) }] },
    );
  }

  /**
   * A page of users, oldest first, starting after `after` (a cursor from the previous page). With
   * a filter the first filtered field's index drives the scan and the other fields are checked on
   * the records read. The cursor names a place (score and id), not a count, so users created or
   * deleted between pages never make the next page skip or repeat anyone.
   */
  async list(tenantId: string, filter: UserFilter, after: UserCursor | undefined, limit: number): Promise<UserPage> {
    const [driving, ...checked] = USER_FILTER_FIELDS.filter((field) => filter[field] !== undefined);
    const index = driving
      ? this.#keys.userIndexBy(tenantId, driving, filter[driving] as string)
      : this.#keys.userIndex(tenantId);
    const users: User[] = [];
    let position = after;
    for (;;) {
      // One more than needed, so a full page knows whether anything follows it.
      const chunk = await this.#store.sortedSetRangeAfter(index, position, LIST_CHUNK);
      const records = await this.#store.getMany(chunk.map(({ member }) => this.#keys.user(tenantId, member)));
      for (const [at, record] of records.entries()) {
        if (users.length === limit) return { users, next: position };
        position = chunk[at] as UserCursor;
        if (!record) continue;
        const user = JSON.parse(record) as User;
        if (checked.every((field) => user[field] === filter[field])) users.push(user);
      }
      if (chunk.length < LIST_CHUNK) return { users, next: undefined };
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
