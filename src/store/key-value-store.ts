import type { RateLimiter, RateLimitRule } from './rate-limiter.ts';

/**
 * The one small port everything persistent goes through. Two implementations: Redis (production,
 * tests) and memory (the embedded default of `npm start`). Both must behave the same; the adapter
 * contract suite runs against both.
 *
 * The vocabulary is Redis's (strings, hashes, sets, sorted sets, TTLs) because Redis is the real
 * backend; the memory store imitates it.
 */

/** One write inside an atomic batch. TTLs are in seconds; a missing TTL means "keep forever". */
export type Write =
  | { type: 'set'; key: string; value: string; ttlSeconds?: number }
  | { type: 'delete'; key: string }
  /** Sets fields on a hash. Without ttlSeconds an existing key keeps its TTL. */
  | { type: 'hashSet'; key: string; fields: Record<string, string>; ttlSeconds?: number }
  /** Adds to a set. ttlSeconds only ever extends the set's lifetime (it indexes keys that expire). */
  | { type: 'setAdd'; key: string; members: string[]; ttlSeconds?: number }
  | { type: 'setRemove'; key: string; members: string[] }
  | { type: 'sortedSetAdd'; key: string; member: string; score: number }
  | { type: 'sortedSetRemove'; key: string; member: string };

/** Preconditions of a batch: it is applied only when every `absent` key is missing and every `present` key exists. */
export interface WriteConditions {
  absent?: string[];
  present?: string[];
}

export interface SortedSetPage {
  members: string[];
  total: number;
}

export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';

  get(key: string): Promise<string | null>;
  getMany(keys: string[]): Promise<(string | null)[]>;
  hashGetAll(key: string): Promise<Record<string, string> | null>;
  setMembers(key: string): Promise<string[]>;
  /** Members ordered by score, then member; offset and count page through them. */
  sortedSetRange(key: string, offset: number, count: number): Promise<SortedSetPage>;
  /** Seconds until the key expires; null when it does not exist or never expires. */
  timeToLive(key: string): Promise<number | null>;

  /**
   * Applies every write, all or nothing, in one round trip. Returns false (and writes nothing)
   * when a condition does not hold. On Redis Cluster every key must share one hash slot.
   */
  write(writes: Write[], conditions?: WriteConditions): Promise<boolean>;

  /** Deletes every key listed in the sets, and the sets themselves, atomically. */
  deleteSetsAndMembers(setKeys: string[]): Promise<void>;
  /** Returns the value and deletes the key, atomically: single-use tickets. */
  getAndDelete(key: string): Promise<string | null>;
  /**
   * Adds 1 to a field of an existing hash and returns the whole hash after it, atomically; null
   * (and nothing written) when the hash does not exist. Counts attempts on a passcode.
   */
  hashIncrement(key: string, field: string): Promise<Record<string, string> | null>;
  /** A rate limiter over this store; `keyPrefix` namespaces its counters. */
  rateLimiter(keyPrefix: string, rule: RateLimitRule): RateLimiter;
  /** Deletes every key that starts with prefix; for purging a deleted tenant. Returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;

  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
