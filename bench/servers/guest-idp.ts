import { once } from 'node:events';
import { createServer } from 'node:http';

import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';

/**
 * guest-idp for the benchmark: one tenant `bench` with a client-credentials client, on Redis
 * (BENCH_STORE=redis, REDIS_URL) or the memory store. Prints its issuer and client once listening.
 */
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };

const config = loadConfig({ BASE_URL: `http://127.0.0.1:${port}`, ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghijkl', LOG_LEVEL: 'silent' });
const store = process.env.BENCH_STORE === 'redis' ? await RedisStore.connect({ url: process.env.REDIS_URL as string }) : new MemoryStore();
const namespace = `gi-bench-${process.pid}`;
const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: namespace });
server.on('request', idp.app.callback());

await idp.tenants.create({ id: 'bench', displayName: 'Bench' });
const client = { client_id: 'bench-service', client_secret: 'bench-service-secret-0123456789abcdef' };
await idp.clients.create('bench', {
  ...client, client_name: 'bench', redirect_uris: [], post_logout_redirect_uris: [], grant_types: ['client_credentials'],
  response_types: [], token_endpoint_auth_method: 'client_secret_basic', roles: [], client_id_issued_at: 0,
});
process.stdout.write(`${JSON.stringify({ issuer: `${config.baseUrl}/bench/v2.0`, clientId: client.client_id, clientSecret: client.client_secret })}\n`);

process.once('SIGTERM', async () => {
  await store.deleteByPrefix(`${namespace}:`);
  await store.close();
  process.exit(0);
});
