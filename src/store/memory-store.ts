import { RateLimiterMemory } from 'rate-limiter-flexible';

import type { JobHandlers, JobQueue, RetryPolicy } from './job-queue.ts';
import type {
  KeyValueStore, RecordVersion, SortedSetPosition, StreamAppendOptions, StreamEntry, StreamReadOptions, Write, WriteConditions,
} from './key-value-store.ts';
import { compareStreamIds, parseStreamId } from './stream-ids.ts';
import { MemoryJobQueue } from './memory-job-queue.ts';
import { storedVersion } from './record-version.ts';
import { RateLimiter, type RateLimitRule } from './rate-limiter.ts';

/**
 * The embedded store for `npm start` without REDIS_URL: Redis semantics (strings, hashes, sets,
 * sorted sets, TTLs) in one process's memory. Node runs one callback at a time, so every method is
 * atomic without locks. Production mode refuses it (config.ts).
 */

type Value =
  | { kind: 'string'; data: string }
  | { kind: 'hash'; data: Map<string, string> }
  | { kind: 'set'; data: Set<string> }
  | { kind: 'sortedSet'; data: Map<string, number> }
  /** Oldest first, as Redis keeps them. */
  | { kind: 'stream'; data: StreamEntry[] };

interface Entry {
  value: Value;
  /** Epoch milliseconds; undefined means no expiry. */
  expiresAt?: number;
}

/** How often expired entries are swept, so memory does not grow with keys nobody reads again. */
const SWEEP_INTERVAL_MS = 60_000;

export interface MemoryStoreOptions {
  /** The clock, in epoch milliseconds; tests pass their own to move time without waiting. */
  now?: () => number;
}

export class MemoryStore implements KeyValueStore {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #now: () => number;

  constructor({ now = Date.now }: MemoryStoreOptions = {}) {
    this.#now = now;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    const value = this.#read(key);
    return value?.kind === 'string' ? value.data : null;
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async hashGetAll(key: string): Promise<Record<string, string> | null> {
    const value = this.#read(key);
    return value?.kind === 'hash' ? Object.fromEntries(value.data) : null;
  }

  async setMembers(key: string): Promise<string[]> {
    const value = this.#read(key);
    return value?.kind === 'set' ? [...value.data] : [];
  }

  async sortedSetRangeAfter(key: string, after: SortedSetPosition | undefined, count: number): Promise<SortedSetPosition[]> {
    const value = this.#read(key);
    if (value?.kind !== 'sortedSet') return [];
    return [...value.data]
      .map(([member, score]) => ({ member, score }))
      .sort(comparePositions)
      .filter((position) => !after || comparePositions(position, after) > 0)
      .slice(0, Math.max(0, count));
  }

  async streamAppend(key: string, fields: Record<string, string>, { retentionMs, maxEntries, timestampMs }: StreamAppendOptions): Promise<string> {
    const entry = this.#entryOf(key, 'stream', () => ({ kind: 'stream', data: [] }));
    const entries = entry.value.data as StreamEntry[];
    const last = entries.length > 0 ? parseStreamId((entries[entries.length - 1] as StreamEntry).id) : undefined;
    const wanted = timestampMs ?? this.#now();
    if (timestampMs !== undefined && last && timestampMs < last.ms) {
      throw new Error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    }
    // Like Redis's `*`: never before the newest entry, a sequence number within one millisecond.
    const ms = last ? Math.max(wanted, last.ms) : wanted;
    const id = `${ms}-${last && last.ms === ms ? last.sequence + 1 : 0}`;
    entries.push({ id, fields: { ...fields } });
    const oldestKept = ms - retentionMs;
    while (entries.length > 0 && parseStreamId((entries[0] as StreamEntry).id).ms < oldestKept) entries.shift();
    if (entries.length > maxEntries) entries.splice(0, entries.length - maxEntries);
    entry.expiresAt = this.#now() + retentionMs;
    return id;
  }

  async streamReadNewestFirst(key: string, { before, notBeforeMs, count }: StreamReadOptions): Promise<StreamEntry[]> {
    const value = this.#read(key);
    if (value?.kind !== 'stream') return [];
    const found: StreamEntry[] = [];
    for (let index = value.data.length - 1; index >= 0 && found.length < count; index -= 1) {
      const entry = value.data[index] as StreamEntry;
      if (before !== undefined && compareStreamIds(entry.id, before) >= 0) continue;
      if (notBeforeMs !== undefined && parseStreamId(entry.id).ms < notBeforeMs) break;
      found.push({ id: entry.id, fields: { ...entry.fields } });
    }
    return found;
  }

  async timeToLive(key: string): Promise<number | null> {
    const entry = this.#live(key);
    if (!entry?.expiresAt) return null;
    return Math.ceil((entry.expiresAt - this.#now()) / 1000);
  }

  async write(writes: Write[], conditions: WriteConditions = {}): Promise<boolean> {
    if (conditions.absent?.some((key) => this.#live(key))) return false;
    if (conditions.present?.some((key) => !this.#live(key))) return false;
    if (conditions.versions?.some((condition) => !this.#hasVersion(condition))) return false;
    for (const write of writes) this.#apply(write);
    return true;
  }

  async deleteSetsAndMembers(setKeys: string[]): Promise<void> {
    for (const setKey of setKeys) {
      for (const member of await this.setMembers(setKey)) this.#entries.delete(member);
      this.#entries.delete(setKey);
    }
  }

  async getAndDelete(key: string): Promise<string | null> {
    const value = await this.get(key);
    if (value !== null) this.#entries.delete(key);
    return value;
  }

  async hashIncrement(key: string, field: string): Promise<Record<string, string> | null> {
    const value = this.#read(key);
    if (value?.kind !== 'hash') return null;
    value.data.set(field, String(Number(value.data.get(field) ?? 0) + 1));
    return Object.fromEntries(value.data);
  }

  rateLimiter(keyPrefix: string, rule: RateLimitRule): RateLimiter {
    return new RateLimiter(new RateLimiterMemory({
      keyPrefix, points: rule.points, duration: rule.durationSeconds, blockDuration: rule.blockSeconds ?? 0,
    }));
  }

  jobQueue<T>(_keyPrefix: string, handlers: JobHandlers<T>, policy: RetryPolicy, concurrency: number): JobQueue<T> {
    return new MemoryJobQueue(handlers, policy, concurrency);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let deleted = 0;
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(prefix)) {
        this.#entries.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** Memory never becomes unavailable. */
  onUnavailable(_listener: () => void): void {}

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }

  #apply(write: Write): void {
    switch (write.type) {
      case 'set':
        this.#entries.set(write.key, { value: { kind: 'string', data: write.value }, expiresAt: this.#expiry(write.ttlSeconds) });
        return;
      case 'delete':
        this.#entries.delete(write.key);
        return;
      case 'hashSet': {
        const entry = this.#entryOf(write.key, 'hash', () => ({ kind: 'hash', data: new Map() }));
        for (const [field, value] of Object.entries(write.fields)) (entry.value.data as Map<string, string>).set(field, value);
        if (write.ttlSeconds !== undefined) entry.expiresAt = this.#expiry(write.ttlSeconds);
        return;
      }
      case 'setAdd': {
        const entry = this.#entryOf(write.key, 'set', () => ({ kind: 'set', data: new Set() }));
        for (const member of write.members) (entry.value.data as Set<string>).add(member);
        if (write.ttlSeconds !== undefined) {
          const wanted = this.#now() + write.ttlSeconds * 1000;
          if (entry.expiresAt === undefined || entry.expiresAt < wanted) entry.expiresAt = wanted;
        }
        return;
      }
      case 'setRemove': {
        const value = this.#read(write.key);
        if (value?.kind !== 'set') return;
        for (const member of write.members) value.data.delete(member);
        if (value.data.size === 0) this.#entries.delete(write.key);
        return;
      }
      case 'sortedSetAdd': {
        const entry = this.#entryOf(write.key, 'sortedSet', () => ({ kind: 'sortedSet', data: new Map() }));
        (entry.value.data as Map<string, number>).set(write.member, write.score);
        return;
      }
      case 'sortedSetRemove': {
        const value = this.#read(write.key);
        if (value?.kind !== 'sortedSet') return;
        value.data.delete(write.member);
        if (value.data.size === 0) this.#entries.delete(write.key);
        return;
      }
    }
  }

  /** The live entry of the wanted kind, created empty (and without TTL) when missing. */
  #entryOf(key: string, kind: Value['kind'], empty: () => Value): Entry {
    const existing = this.#live(key);
    if (existing?.value.kind === kind) return existing;
    const created: Entry = { value: empty() };
    this.#entries.set(key, created);
    return created;
  }

  #hasVersion({ key, version }: RecordVersion): boolean {
    const value = this.#read(key);
    return value?.kind === 'string' && storedVersion(value.data) === version;
  }

  #read(key: string): Value | undefined {
    return this.#live(key)?.value;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #expiry(ttlSeconds: number | undefined): number | undefined {
    return ttlSeconds === undefined ? undefined : this.#now() + ttlSeconds * 1000;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(key);
    }
  }
}


/** Redis's order: by score, then by the members' bytes. */
export function comparePositions(a: SortedSetPosition, b: SortedSetPosition): number {
  return a.score - b.score || Buffer.compare(Buffer.from(a.member), Buffer.from(b.member));
}
