/**
 * Versions of durable records (tenants, users, signing keys, identity providers), for optimistic
 * concurrency: a record is read with its version, changed, and written back on the condition that
 * the stored version is still the one read (WriteConditions.versions); every write stores the
 * next version. Two processes that change one record at once can then no longer overwrite each
 * other's change: the second write fails and its caller retries from a fresh read, or refuses.
 *
 * This is not the tenant's `revision` (which tells processes to rebuild a Provider): `version`
 * grows with every write of any field.
 */
export interface Versioned {
  /** Missing on records stored before versions existed: they count as version 0. */
  version?: number;
}

export function versionOf(record: Versioned): number {
  return typeof record.version === 'number' ? record.version : 0;
}

/** The version a stored JSON value carries, as the Redis write script reads it. */
export function storedVersion(json: string): number {
  try {
    const parsed = JSON.parse(json) as unknown;
    const version = (parsed as Versioned | null)?.version;
    return typeof version === 'number' ? version : 0;
  } catch {
    return Number.NaN;
  }
}

/** What an attempt of `retryChanged` returns when the record changed under it. */
export const CHANGED: unique symbol = Symbol('record changed since it was read');

/**
 * Runs a read-change-write attempt again, from a fresh read, while it reports CHANGED (another
 * writer got there first), at most `attempts` times; then `refusal()` is thrown (a 409). Only for
 * changes that still make sense on whatever the other writer left: a PATCH of some fields, a key
 * rotation, a recorded sign-in time.
 */
export async function retryChanged<T>(attempts: number, attempt: () => Promise<T | typeof CHANGED>, refusal: () => Error): Promise<T> {
  for (let tried = 0; tried < attempts; tried += 1) {
    const result = await attempt();
    if (result !== CHANGED) return result;
  }
  throw refusal();
}
