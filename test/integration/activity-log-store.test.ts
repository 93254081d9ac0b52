import { ActivityStream } from '../../src/activity/activity-stream.ts';
import type { KeyValueStore } from '../../src/store/key-value-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { requireRedisUrl } from '../support/idp.ts';
import { uniqueNamespace } from '../support/namespace.ts';
import { type OwnRedisCluster, startOwnRedisCluster } from '../support/redis-cluster.ts';

/**
 * The store's streams under the sign-in and audit logs, on every store: appends trimmed by age
 * (entries given explicit old times, so nothing waits for a clock), newest first with a cursor,
 * and the logs' own retention on reads.
 */

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 12);

describe.each(['redis', 'memory'] as const)('streams on the %s store', (kind) => {
  let store: KeyValueStore;
  const namespace = uniqueNamespace();

  beforeAll(async () => {
    store = kind === 'redis' ? await RedisStore.connect({ url: requireRedisUrl() }) : new MemoryStore({ now: () => NOW });
  });

  afterAll(async () => {
    await store.deleteByPrefix(`${namespace}:`);
    await store.close();
  });

  test('an append drops the entries older than the retention before it; the key lives on for the retention', async () => {
    const key = `${namespace}:{t1}:trim`;
    const retentionMs = 30 * DAY;
    for (const daysAgo of [45, 35, 20, 1]) await store.streamAppend(key, { age: String(daysAgo) }, { retentionMs, maxEntries: 1000, timestampMs: NOW - daysAgo * DAY });
    // Each append trims what is more than 30 days older than itself: 45 went when 20 came, 35 when 1 came.
    expect((await store.streamReadNewestFirst(key, { count: 10 })).map((entry) => entry.fields.age)).toEqual(['1', '20']);
    const id = await store.streamAppend(key, { age: '0' }, { retentionMs, maxEntries: 1000, timestampMs: NOW });
    expect(id).toMatch(new RegExp(`^${NOW}-\\d+$`));
    expect((await store.streamReadNewestFirst(key, { count: 10 })).map((entry) => entry.fields.age)).toEqual(['0', '1', '20']);
    const ttl = await store.timeToLive(key);
    expect(ttl).toBeGreaterThan(29 * 86_400);
    expect(ttl).toBeLessThanOrEqual(30 * 86_400);
  });

  test('reads newest first, strictly before a cursor, not before a time; a time before the newest entry is refused', async () => {
    const key = `${namespace}:{t2}:read`;
    const ids: string[] = [];
    for (let minute = 0; minute < 5; minute += 1) ids.push(await store.streamAppend(key, { n: String(minute) }, { retentionMs: DAY, maxEntries: 1000, timestampMs: NOW - (5 - minute) * 60_000 }));
    // Two in one millisecond get sequence numbers, in order.
    ids.push(await store.streamAppend(key, { n: '5' }, { retentionMs: DAY, maxEntries: 1000, timestampMs: NOW }));
    ids.push(await store.streamAppend(key, { n: '6' }, { retentionMs: DAY, maxEntries: 1000, timestampMs: NOW }));
    expect(ids.at(-1)).toBe(`${NOW}-1`);

    const first = await store.streamReadNewestFirst(key, { count: 3 });
    expect(first.map((entry) => entry.fields.n)).toEqual(['6', '5', '4']);
    const second = await store.streamReadNewestFirst(key, { before: first.at(-1)!.id, count: 3 });
    expect(second.map((entry) => entry.fields.n)).toEqual(['3', '2', '1']);
    expect((await store.streamReadNewestFirst(key, { before: ids[5]!, count: 10 })).map((entry) => entry.fields.n)).toEqual(['4', '3', '2', '1', '0']);
    expect((await store.streamReadNewestFirst(key, { notBeforeMs: NOW - 2 * 60_000, count: 10 })).map((entry) => entry.fields.n)).toEqual(['6', '5', '4', '3']);
    expect(await store.streamReadNewestFirst(`${namespace}:{t2}:none`, { count: 10 })).toEqual([]);

    await expect(store.streamAppend(key, { n: 'late' }, { retentionMs: DAY, maxEntries: 1000, timestampMs: NOW - 10 * 60_000 })).rejects.toThrow(/equal or smaller/);
  });

  test('a flood of young entries is capped at about maxEntries', async () => {
    const key = `${namespace}:{t4}:flood`;
    for (let index = 0; index < 250; index += 1) await store.streamAppend(key, { n: String(index) }, { retentionMs: DAY, maxEntries: 10, timestampMs: NOW });
    const kept = await store.streamReadNewestFirst(key, { count: 1000 });
    // Redis trims whole nodes of 100 entries (`~`): at least 10 stay, never the whole flood.
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(250);
    expect(kept[0]!.fields.n).toBe('249');
  });

  test('a log never shows an entry past its retention, even before an append trims it', async () => {
    const key = `${namespace}:{t3}:log`;
    // Written with a 30-day retention at NOW, read by a log whose clock is 20 days later.
    const writer = new ActivityStream<{ n: number }>(store, () => key, 30 * DAY, () => NOW);
    await writer.append('t3', { n: 1 }, NOW - 15 * DAY);
    await writer.append('t3', { n: 2 }, NOW - 5 * DAY);
    await writer.append('t3', { n: 3 }, NOW);
    const all = { matches: () => true, top: 10 };
    expect((await writer.page('t3', all)).records).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
    const later = new ActivityStream<{ n: number }>(store, () => key, 30 * DAY, () => NOW + 20 * DAY);
    expect((await later.page('t3', all)).records).toEqual([{ n: 3 }, { n: 2 }]);
    const muchLater = new ActivityStream<{ n: number }>(store, () => key, 30 * DAY, () => NOW + 26 * DAY);
    expect((await muchLater.page('t3', all)).records).toEqual([{ n: 3 }]);

    // A filter that matches rarely still ends, with a cursor to go on from.
    const page = await writer.page('t3', { matches: (record) => record.n === 1, top: 1 });
    expect(page.records).toEqual([{ n: 1 }]);
    expect((await writer.page('t3', { before: page.next!, matches: () => true, top: 10 })).records).toEqual([]);
  });
});

describe('streams on Redis Cluster', () => {
  let cluster: OwnRedisCluster;
  let store: RedisStore;

  beforeAll(async () => {
    cluster = await startOwnRedisCluster();
    store = await RedisStore.connect({ clusterNodes: cluster.nodes });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await cluster?.remove();
  });

  test('appends (XADD with PEXPIRE in one MULTI) and reads work for keys of many tenants, on whatever shard', async () => {
    for (const tenant of ['contoso', 'fabrikam', 'northwind', 'adatum', 'litware']) {
      const key = `gi:{${tenant}}:sign-in-log`;
      await store.streamAppend(key, { r: 'a' }, { retentionMs: DAY, maxEntries: 1000 });
      await store.streamAppend(key, { r: 'b' }, { retentionMs: DAY, maxEntries: 1000 });
      expect((await store.streamReadNewestFirst(key, { count: 10 })).map((entry) => entry.fields.r)).toEqual(['b', 'a']);
    }
  });
});
