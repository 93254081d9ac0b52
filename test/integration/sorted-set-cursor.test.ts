import type { KeyValueStore, SortedSetPosition } from '../../src/store/key-value-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { requireRedisUrl } from '../support/idp.ts';
import { uniqueNamespace } from '../support/namespace.ts';

/**
 * The store port's cursor over a sorted set, on both stores: Redis's order (score, then member
 * bytes), strictly after the cursor, even when the cursor's member is gone and when many members
 * share its score (users created in the same millisecond).
 */

describe.each(['redis', 'memory'] as const)('sortedSetRangeAfter on the %s store', (kind) => {
  let store: KeyValueStore;
  const key = `${uniqueNamespace()}:cursor`;

  beforeAll(async () => {
    store = kind === 'redis' ? await RedisStore.connect({ url: requireRedisUrl() }) : new MemoryStore();
  });

  afterAll(async () => {
    await store.deleteByPrefix(key);
    await store.close();
  });

  async function walk(count: number): Promise<string[]> {
    const seen: string[] = [];
    let after: SortedSetPosition | undefined;
    for (;;) {
      const chunk = await store.sortedSetRangeAfter(key, after, count);
      seen.push(...chunk.map((position) => position.member));
      if (chunk.length < count) return seen;
      after = chunk.at(-1);
    }
  }

  test('walks every member once, in score then byte order, whatever the page size', async () => {
    // 250 members on one score (more than one round trip of same-score members), some on others.
    const shared = Array.from({ length: 250 }, (_, index) => `m-${String(index).padStart(3, '0')}`);
    const writes = [
      ...shared.map((member) => ({ type: 'sortedSetAdd' as const, key, member, score: 1_700_000_000_000 })),
      { type: 'sortedSetAdd' as const, key, member: 'z-early', score: 1_600_000_000_000 },
      { type: 'sortedSetAdd' as const, key, member: 'a-late', score: 1_800_000_000_000 },
      { type: 'sortedSetAdd' as const, key, member: 'M-upper', score: 1_700_000_000_000 },
    ];
    expect(await store.write(writes)).toBe(true);
    const expected = ['z-early', 'M-upper', ...shared, 'a-late'];
    for (const count of [1, 7, 100, 1000]) expect(await walk(count)).toEqual(expected);
  });

  test('a cursor whose member was removed still continues right after its place', async () => {
    const [, second] = await store.sortedSetRangeAfter(key, undefined, 2);
    expect(await store.write([{ type: 'sortedSetRemove', key, member: (second as SortedSetPosition).member }])).toBe(true);
    const next = await store.sortedSetRangeAfter(key, second, 2);
    expect(next.map((position) => position.member)).toEqual(['m-000', 'm-001']);
    expect(await store.sortedSetRangeAfter(`${key}:none`, undefined, 5)).toEqual([]);
    expect(await store.sortedSetRangeAfter(key, { member: 'zzz', score: 1_800_000_000_000 }, 5)).toEqual([]);
  });
});
