import { once } from 'node:events';
import { createServer } from 'node:http';

import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { benchEnv, createBenchTenant } from '../support/bench-tenant.ts';
import { countRedisRoundTrips, redisPortsFromEnv, serveWithStats } from '../support/server-stats.ts';

/**
 * guest-idp for the benchmark, one process: the bench tenant (bench/support/bench-tenant.ts) with
 * BENCH_GUESTS invited guests, on Redis (BENCH_STORE=redis; REDIS_URL, or REDIS_CLUSTER_NODES) or
 * the memory store; mail to SMTP_URL. Prints its issuer and clients once listening.
 */
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };

const config = loadConfig(benchEnv(`http://127.0.0.1:${port}`));
countRedisRoundTrips(redisPortsFromEnv());
if (process.env.BENCH_STORE === 'redis' && !config.redis) throw new Error('BENCH_STORE=redis needs REDIS_URL or REDIS_CLUSTER_NODES');
const store = process.env.BENCH_STORE === 'redis' && config.redis ? await RedisStore.connect(config.redis) : new MemoryStore();
const namespace = `gi-bench-${process.pid}`;
const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: namespace });
serveWithStats(server, idp.app.callback());

process.stdout.write(`${JSON.stringify(await createBenchTenant(idp, Number(process.env.BENCH_GUESTS ?? 0)))}\n`);

process.once('SIGTERM', async () => {
  await store.deleteByPrefix(`${namespace}:`);
  await store.close();
  process.exit(0);
});
