import * as oidc from 'openid-client';

import { RedisStore } from '../../src/store/redis-store.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.ts';

/**
 * Redis going away: requests get a clear 503 (JSON or page), the process keeps running, and it
 * serves again once Redis is back. Uses a redis-server of its own so it can be stopped.
 */

let redis: OwnRedis;
let idp: RunningIdp;
let client: { client_id: string; client_secret: string };

beforeAll(async () => {
  redis = await startOwnRedis({ durable: true });
  idp = await startIdp({ store: await RedisStore.connect({ url: redis.url }) });
  expect((await idp.admin('POST', '/admin/tenants', { id: 'outage', displayName: 'Outage Inc' })).status).toBe(201);
  client = (await idp.admin('POST', '/admin/tenants/outage/clients', { client_name: 'svc', grant_types: ['client_credentials'] })).body;
});

afterAll(async () => {
  await idp.close();
  await idp.store.close();
  await redis.remove();
});

test('while Redis is down every kind of request gets a 503 and the process stays up; afterwards it recovers', async () => {
  const config = await oidc.discovery(new URL(`${idp.baseUrl}/outage/v2.0`), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  await redis.stop();

  const token = await fetch(`${idp.baseUrl}/outage/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  expect(token.status).toBe(503);
  expect(await token.json()).toMatchObject({ error: 'temporarily_unavailable' });

  const admin = await idp.admin('POST', '/admin/tenants', { id: 'during-outage', displayName: 'X' });
  expect(admin.status).toBe(503);
  expect(admin.body.error.code).toBe('ServiceUnavailable');

  const page = await fetch(`${idp.baseUrl}/somewhere-new/v2.0/auth`, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(503);
  expect(await page.text()).toContain('Sign-in is briefly unavailable');

  const ready = await fetch(`${idp.baseUrl}/readyz`);
  expect(ready.status).toBe(503);
  expect((await fetch(`${idp.baseUrl}/healthz`)).status).toBe(200);

  await redis.start();
  await waitUntilReady(idp.baseUrl);
  const { access_token: accessToken } = await oidc.clientCredentialsGrant(config);
  expect((await oidc.tokenIntrospection(config, accessToken)).active).toBe(true);
});

/** ioredis reconnects on its own; readyz is the event a load balancer would watch for, so do the same. */
async function waitUntilReady(baseUrl: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${baseUrl}/readyz`);
    if (response.status === 200) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
