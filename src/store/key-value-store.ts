import type { JobHandlers, JobQueue, RetryPolicy } from './job-queue.ts';
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

/**
 * Preconditions of a batch: it is applied only when every `absent` key is missing, every `present`
 * key exists, and every `versions` key holds a JSON record whose `version` is the one given.
 */
export interface WriteConditions {
  absent?: string[];
  present?: string[];
  /**
   * Compare-and-set on versioned records (see record-version.ts): the batch applies only while
   * nobody has written the record since it was read. A record stored without a `version` field
   * (written before versions existed) counts as version 0.
   */
  versions?: RecordVersion[];
}

export interface RecordVersion {
  key: string;
  version: number;
}

/** A place in a sorted set: its score and member. Sorted sets order by score, then member bytes. */
export interface SortedSetPosition {
  member: string;
  score: number;
}

/** One entry of a stream: its id (`<epoch ms>-<sequence>`, ordered by time) and its fields. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

export interface StreamAppendOptions {
  /** Entries older than this many milliseconds before the new one are dropped, and the key expires after it. */
  retentionMs: number;
  /** At most about this many entries are kept, however young: a flood cannot grow the stream without bound. */
  maxEntries: number;
  /**
   * The new entry's time in epoch ms; the store's clock without it. Tests give old times to check
   * trimming; like Redis, a time before the stream's newest entry is refused.
   */
  timestampMs?: number;
}

export interface StreamReadOptions {
  /** Only entries strictly older than this id (a cursor from an earlier page). */
  before?: string;
  /** Only entries at or after this epoch ms. */
  notBeforeMs?: number;
  count: number;
}

export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';

  get(key: string): Promise<string | null>;
  getMany(keys: string[]): Promise<(string | null)[]>;
  hashGetAll(key: string): Promise<Record<string, string> | null>;
  setMembers(key: string): Promise<string[]>;
  /**
   * Up to `count` members ordered by score, then member, that come strictly after `after` (from the
   * start without it). A cursor, unlike an offset, still points at the right place when members
   * before it are removed between pages.
   */
  sortedSetRangeAfter(key: string, after: SortedSetPosition | undefined, count: number): Promise<SortedSetPosition[]>;
  /**
   * Appends an entry to a stream and drops the entries older than the retention, atomically (Redis
   * XADD with exact MINID trimming); the key lives on for the retention after its last append.
   * Returns the entry's id. One key: fine on Redis Cluster.
   */
  streamAppend(key: string, fields: Record<string, string>, options: StreamAppendOptions): Promise<string>;
  /** Up to `count` entries, newest first (Redis XREVRANGE). */
  streamReadNewestFirst(key: string, options: StreamReadOptions): Promise<StreamEntry[]>;
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
  /**
   * A job queue over this store with its own worker in this process; `keyPrefix` namespaces its
   * keys (see Keys.jobQueue). The caller closes it before closing the store.
   */
  jobQueue<T>(keyPrefix: string, handlers: JobHandlers<T>, policy: RetryPolicy, concurrency: number): JobQueue<T>;
  /** Deletes every key that starts with prefix; for purging a deleted tenant. Returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;

  /** Calls `listener` each time a command fails because the store cannot serve it (for the metrics). */
  onUnavailable(listener: () => void): void;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
