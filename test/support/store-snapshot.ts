import { Redis } from 'ioredis';

import { requireRedisUrl } from './idp.ts';

/**
 * Everything stored under a namespace, as plain data, to prove a refused request wrote nothing.
 * Read straight from Redis, not through the app. The sign-in and audit logs are left out: they
 * record refusals too, by design (docs/sign-in-log.md).
 */
const ACTIVITY_LOGS = /:(sign-in-log|audit-log)$/;

export async function snapshotNamespace(namespace: string): Promise<Record<string, unknown>> {
  const redis = new Redis(requireRedisUrl());
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${namespace}:*`, count: 500 }) as AsyncIterable<string[]>) keys.push(...batch);
    const snapshot: Record<string, unknown> = {};
    for (const key of keys.sort()) {
      if (ACTIVITY_LOGS.test(key)) continue;
      const type = await redis.type(key);
      if (type === 'string') snapshot[key] = await redis.get(key);
      else if (type === 'hash') snapshot[key] = await redis.hgetall(key);
      else if (type === 'set') snapshot[key] = (await redis.smembers(key)).sort();
      else if (type === 'zset') snapshot[key] = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else snapshot[key] = type;
    }
    return snapshot;
  } finally {
    redis.disconnect();
  }
}
