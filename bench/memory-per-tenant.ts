import { once } from 'node:events';
import { createServer } from 'node:http';

import { Redis } from 'ioredis';

import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { RedisStore } from '../src/store/redis-store.ts';

/**
 * Memory a tenant costs: process heap for its built Provider (measured after forced GC, so run
 * with --expose-gc) and Redis memory for its records and keys. Prints one JSON line.
 */
const TENANTS = Number(process.env.BENCH_TENANTS ?? 40);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const url = process.env.REDIS_URL as string;
const redis = new Redis(url);
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };

const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };
const config = loadConfig({ BASE_URL: `http://127.0.0.1:${port}`, ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghijkl', LOG_LEVEL: 'silent', PROVIDER_CACHE_SIZE: String(TENANTS * 2) });
const store = await RedisStore.connect({ url });
const namespace = `gi-bench-memory-${process.pid}`;
const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: namespace });
server.on('request', idp.app.callback());

// Warm up one tenant so code loading and first-use caches are not counted per tenant.
await idp.tenants.create({ id: 'warm-up', displayName: 'Warm up' });
await fetch(`${config.baseUrl}/warm-up/v2.0/.well-known/openid-configuration`);

const redisBefore = await usedMemory();
const ids = Array.from({ length: TENANTS }, (_, index) => `tenant-${index}`);
for (const id of ids) await idp.tenants.create({ id, displayName: id, verifiedDomains: [`${id}.example`] });
const redisAfter = await usedMemory();

const heapBefore = heap();
for (const id of ids) {
  const response = await fetch(`${config.baseUrl}/${id}/v2.0/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery failed for ${id}`);
  await fetch(`${config.baseUrl}/${id}/v2.0/jwks`);
}
const heapAfter = heap();

process.stdout.write(`${JSON.stringify({
  tenants: TENANTS,
  heapBytesPerTenant: Math.round((heapAfter - heapBefore) / TENANTS),
  redisBytesPerTenant: Math.round((redisAfter - redisBefore) / TENANTS),
})}\n`);

await store.deleteByPrefix(`${namespace}:`);
await store.close();
redis.disconnect();
server.close();
