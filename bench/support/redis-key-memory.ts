import type { Redis } from 'ioredis';

/**
 * Bytes and keys of one kind of key (a tenant record, a signing key set, a session...), and the
 * longest time to live left among them in seconds (-1: one never expires).
 */
export interface KindMemory { keys: number; bytes: number; ttlSeconds: number }
export type KeyMemory = Map<string, KindMemory>;

/**
 * Redis memory of every key under a namespace, measured key by key with `MEMORY USAGE ... SAMPLES 0`
 * (every element of a hash or sorted set counted, not estimated from 5) and grouped by kind. Summing
 * keys is exact where `INFO memory`'s used_memory moves with allocator pages, buffers and
 * fragmentation, too much to read a few hundred bytes per guest from.
 */
export async function keyMemory(redis: Redis, namespace: string): Promise<KeyMemory> {
  const memory: KeyMemory = new Map();
  const stream = redis.scanStream({ match: `${namespace}:*`, count: 1000 });
  for await (const batch of stream as AsyncIterable<string[]>) {
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0').ttl(key);
    const answers = await pipeline.exec() ?? [];
    batch.forEach((key, index) => {
      const bytes = Number(answers[2 * index]?.[1] ?? 0);
      const ttl = Number(answers[2 * index + 1]?.[1] ?? -1);
      const kind = kindOf(key, namespace);
      const entry = memory.get(kind) ?? { keys: 0, bytes: 0, ttlSeconds: ttl };
      entry.keys += 1;
      entry.bytes += bytes;
      entry.ttlSeconds = entry.ttlSeconds === -1 || ttl === -1 ? -1 : Math.max(entry.ttlSeconds, ttl);
      memory.set(kind, entry);
    });
  }
  return memory;
}

/**
 * A key's kind: its name without namespace, hash tag and ids. `gi:{t-1}:session:abc` is `session`,
 * `gi:{_deployment}:tenant:t-1` is `tenant`, `gi:limit:otp-send:…` is `limit:otp-send`, a job
 * queue's keys are `queue <name>`.
 */
export function kindOf(key: string, namespace: string): string {
  const rest = key.slice(namespace.length + 1);
  const queue = /^\{_queue-([^}]+)\}/.exec(rest);
  if (queue) return `queue ${queue[1]}`;
  if (rest.startsWith('limit:')) return rest.split(':').slice(0, 2).join(':');
  const untagged = rest.replace(/^\{[^}]*\}:/, '');
  return untagged.split(':')[0]!;
}

/** What `after` holds beyond `before`, per kind; kinds that did not change are left out, kinds that shrank are negative. */
export function grownBy(before: KeyMemory, after: KeyMemory): KeyMemory {
  const grown: KeyMemory = new Map();
  for (const [kind, now] of after) {
    const then = before.get(kind) ?? { keys: 0, bytes: 0 };
    if (now.bytes !== then.bytes || now.keys !== then.keys) grown.set(kind, { keys: now.keys - then.keys, bytes: now.bytes - then.bytes, ttlSeconds: now.ttlSeconds });
  }
  // Kinds gone altogether (an invitation's ticket, used up by the sign-in that redeemed it).
  for (const [kind, then] of before) {
    if (!after.has(kind)) grown.set(kind, { keys: -then.keys, bytes: -then.bytes, ttlSeconds: then.ttlSeconds });
  }
  return grown;
}

export function totalBytes(memory: KeyMemory): number {
  return [...memory.values()].reduce((sum, kind) => sum + kind.bytes, 0);
}
