import { once } from 'node:events';
import { createServer } from 'node:http';

import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';

/**
 * guest-idp for the benchmark: one tenant `bench` with a client-credentials client, a public web
 * app, and BENCH_GUESTS invited guests (bench-guest-N@partner.example), on Redis (BENCH_STORE=redis,
 * REDIS_URL) or the memory store; mail to SMTP_URL. Prints its issuer and clients once listening.
 */
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };

const config = loadConfig({
  BASE_URL: `http://127.0.0.1:${port}`,
  ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghijkl',
  LOG_LEVEL: 'silent',
  SMTP_URL: process.env.SMTP_URL,
  // Every bench login comes from 127.0.0.1.
  OTP_SEND_LIMIT_PER_IP: '1000000',
});
const store = process.env.BENCH_STORE === 'redis' ? await RedisStore.connect({ url: process.env.REDIS_URL as string }) : new MemoryStore();
const namespace = `gi-bench-${process.pid}`;
const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: namespace });
server.on('request', idp.app.callback());

const tenant = await idp.tenants.create({ id: 'bench', displayName: 'Bench' });
const client = { client_id: 'bench-service', client_secret: 'bench-service-secret-0123456789abcdef' };
const common = { post_logout_redirect_uris: [], roles: [], client_id_issued_at: 0 };
await idp.clients.create('bench', {
  ...client, ...common, client_name: 'bench', redirect_uris: [], grant_types: ['client_credentials'], response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
});
const app = { client_id: 'bench-app', redirect_uri: 'https://bench-app.example/callback' };
await idp.clients.create('bench', {
  ...common, client_id: app.client_id, client_name: 'Bench app', redirect_uris: [app.redirect_uri], grant_types: ['authorization_code'],
  response_types: ['code'], token_endpoint_auth_method: 'none',
});
for (let index = 0; index < Number(process.env.BENCH_GUESTS ?? 0); index += 1) {
  await idp.invitations.invite(tenant, {
    invitedUserEmailAddress: `bench-guest-${index}@partner.example`, inviteRedirectUrl: 'https://bench-app.example/', sendInvitationMessage: false,
  }, 'bench');
}
process.stdout.write(`${JSON.stringify({
  issuer: `${config.baseUrl}/bench/v2.0`, clientId: client.client_id, clientSecret: client.client_secret,
  appClientId: app.client_id, redirectUri: app.redirect_uri,
})}\n`);

process.once('SIGTERM', async () => {
  await store.deleteByPrefix(`${namespace}:`);
  await store.close();
  process.exit(0);
});
