import { ACTIVITY_LOG_MAX_ENTRIES, ACTIVITY_LOG_SCAN_LIMIT } from '../limits.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';

/** Where a page of a log starts and what it keeps. */
/** What the sign-in log and the audit log are built from: the store, their retention, and where a lost entry is reported. */
export interface ActivityLogDependencies {
  store: KeyValueStore;
  keys: Keys;
  retentionDays: number;
  metrics: Metrics;
  log: Logger;
  now?: () => number;
}

export interface ActivityQuery<T> {
  /** The cursor of the page before (an entry id); the newest entry without it. */
  before?: string;
  /** Only entries at or after this epoch ms (a `ge` filter on the time). */
  notBeforeMs?: number;
  /** The rest of the filter. */
  matches: (record: T) => boolean;
  top: number;
}

export interface ActivityPage<T> {
  records: T[];
  /** The cursor of the next page, when there may be more. */
  next?: string;
}

/** Entries read per round trip while filling a page. */
const READ_CHUNK = 200;

/**
 * One kind of per-tenant log (sign-ins, audits) on a store stream: one JSON record per entry,
 * newest first, kept `retentionMs`. The store trims at every append; reads also stop at the
 * retention, so an entry past it is never shown even before the next append trims it.
 */
export class ActivityStream<T> {
  readonly #store: KeyValueStore;
  readonly #keyOf: (tenantId: string) => string;
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(store: KeyValueStore, keyOf: (tenantId: string) => string, retentionMs: number, now: () => number = Date.now) {
    this.#store = store;
    this.#keyOf = keyOf;
    this.#retentionMs = retentionMs;
    this.#now = now;
  }

  async append(tenantId: string, record: T, timestampMs?: number): Promise<void> {
    await this.#store.streamAppend(this.#keyOf(tenantId), { r: JSON.stringify(record) }, {
      retentionMs: this.#retentionMs, maxEntries: ACTIVITY_LOG_MAX_ENTRIES, ...(timestampMs === undefined ? {} : { timestampMs }),
    });
  }

  /**
   * Newest first, the records that match, up to `top`. At most ACTIVITY_LOG_SCAN_LIMIT entries are
   * read: a rare match gets a short (even empty) page and a cursor to go on from.
   */
  async page(tenantId: string, { before, notBeforeMs, matches, top }: ActivityQuery<T>): Promise<ActivityPage<T>> {
    const oldest = Math.max(notBeforeMs ?? 0, this.#now() - this.#retentionMs);
    const records: T[] = [];
    let cursor = before;
    let scanned = 0;
    while (scanned < ACTIVITY_LOG_SCAN_LIMIT) {
      const count = Math.min(READ_CHUNK, ACTIVITY_LOG_SCAN_LIMIT - scanned);
      const entries = await this.#store.streamReadNewestFirst(this.#keyOf(tenantId), { ...(cursor ? { before: cursor } : {}), notBeforeMs: oldest, count });
      for (const entry of entries) {
        scanned += 1;
        cursor = entry.id;
        const record = JSON.parse(entry.fields.r ?? 'null') as T | null;
        if (record === null || !matches(record)) continue;
        records.push(record);
        if (records.length === top) return { records, next: entry.id };
      }
      if (entries.length < count) return { records };
    }
    return { records, ...(cursor ? { next: cursor } : {}) };
  }
}
