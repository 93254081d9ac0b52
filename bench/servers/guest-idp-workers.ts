import cluster from 'node:cluster';
import { once } from 'node:events';
import { createServer } from 'node:http';

import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { runWorkerProcesses } from '../../src/ops/worker-processes.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { freePort } from '../../test/support/redis-server.ts';
import { benchEnv, createBenchTenant } from '../support/bench-tenant.ts';
import { countRedisRoundTrips, currentStats, redisPortsFromEnv, serveWithStats, STATS_PATH, type ServerStats } from '../support/server-stats.ts';

/**
 * guest-idp for the benchmark as `WORKERS=n` runs it: a primary (the product's own
 * src/ops/worker-processes.ts) and n worker processes sharing one port, on Redis (REDIS_URL or
 * REDIS_CLUSTER_NODES). The primary creates the bench tenant once, before forking, as the product
 * seeds its demo once. The workers share a port, so no one of them can speak for the deployment:
 * the primary answers STATS_PATH on a port of its own (`statsOrigin`) with the sum over itself
 * and every worker, each asked over the cluster's IPC channel. The primary's own CPU counts: on
 * Linux it accepts every connection and hands it to a worker.
 */
const STATS_REQUEST = 'bench-stats';

if (cluster.isPrimary) {
  const port = await freePort();
  const namespace = `gi-bench-${process.pid}`;
  const config = loadConfig(benchEnv(`http://127.0.0.1:${port}`));
  if (!config.redis) throw new Error('guest-idp-workers needs REDIS_URL or REDIS_CLUSTER_NODES');
  const store = await RedisStore.connect(config.redis);
  const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: namespace });
  const info = await createBenchTenant(idp, Number(process.env.BENCH_GUESTS ?? 0));
  await idp.close();
  await store.close();

  const workers = Number(process.env.WORKERS ?? 2);
  const pids = await runWorkerProcesses({ count: workers, env: { BENCH_PORT: String(port), BENCH_NAMESPACE: namespace }, log: createLogger('silent') });

  const statsServer = createServer((request, response) => {
    if (request.url !== STATS_PATH) {
      response.statusCode = 404;
      response.end();
      return;
    }
    void deploymentStats().then((stats) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(stats));
    });
  });
  statsServer.listen(0, '127.0.0.1');
  await once(statsServer, 'listening');
  const statsPort = (statsServer.address() as { port: number }).port;
  process.stdout.write(`${JSON.stringify({ ...info, statsOrigin: `http://127.0.0.1:${statsPort}`, pids: [process.pid, ...pids] })}\n`);
} else {
  const port = Number(process.env.BENCH_PORT);
  const config = loadConfig(benchEnv(`http://127.0.0.1:${port}`));
  countRedisRoundTrips(redisPortsFromEnv());
  const store = await RedisStore.connect(config.redis!);
  const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: process.env.BENCH_NAMESPACE });
  const server = createServer();
  serveWithStats(server, idp.app.callback());
  process.on('message', (message) => {
    if (message === STATS_REQUEST) process.send?.(currentStats());
  });
  process.once('SIGTERM', async () => {
    server.close();
    await idp.close();
    await store.close();
    process.exit(0);
  });
  server.listen(port, '127.0.0.1');
}

/** The primary's own stats plus every worker's, and the primary's CPU on its own. */
async function deploymentStats(): Promise<ServerStats & { primaryCpuMicros: number; processes: number }> {
  const own = currentStats();
  const answers = await Promise.all(Object.values(cluster.workers ?? {}).map((worker) => new Promise<ServerStats>((resolve) => {
    worker!.once('message', (stats: ServerStats) => resolve(stats));
    worker!.send(STATS_REQUEST);
  })));
  const sum = (pick: (stats: ServerStats) => number) => [own, ...answers].reduce((total, stats) => total + pick(stats), 0);
  return {
    cpuMicros: sum((stats) => stats.cpuMicros),
    redisRoundTrips: sum((stats) => stats.redisRoundTrips),
    heapUsedBytes: sum((stats) => stats.heapUsedBytes),
    rssBytes: sum((stats) => stats.rssBytes),
    primaryCpuMicros: own.cpuMicros,
    processes: answers.length + 1,
  };
}
