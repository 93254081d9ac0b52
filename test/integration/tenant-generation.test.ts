import { setTimeout as delay } from 'node:timers/promises';

import * as oidc from 'openid-client';

import { RECORD_CACHE_SECONDS } from '../../src/limits.ts';
import { recordFinding } from '../support/findings.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * Two processes of one deployment (two app instances on one Redis and one key namespace, each
 * with its own caches): a tenant deleted and created again through one of them must not go on
 * being served with the old keys by the other. Its revision starts at 1 again, so only the
 * generation (new at every creation) tells the two tenants apart.
 */

let a: RunningIdp;
let b: RunningIdp;

/** How long A may take to see a change made through B: its record cache, and a margin for slow machines. */
const SEEN_WITHIN_MS = RECORD_CACHE_SECONDS * 1000 + 5_000;
const POLL_INTERVAL_MS = 100;

beforeAll(async () => {
  a = await startIdp();
  b = await startIdp({ namespace: a.namespace, keepData: true });
});

afterAll(async () => {
  await b.close();
  await a.close();
});

async function jwksKids(idp: RunningIdp, tenantId: string): Promise<string[]> {
  const response = await fetch(`${idp.baseUrl}/${tenantId}/v2.0/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  const { jwks_uri: jwksUri } = await response.json() as { jwks_uri: string };
  const jwks = await (await fetch(jwksUri)).json() as { keys: { kid: string }[] };
  return jwks.keys.map((key) => key.kid).sort();
}

async function adminClient(idp: RunningIdp, tenantId: string) {
  const created = await idp.admin('POST', `/admin/tenants/${tenantId}/clients`, { client_name: 'provisioning', grant_types: ['client_credentials'], roles: ['admin'] });
  expect(created.status).toBe(201);
  return created.body as { client_id: string; client_secret: string };
}

async function adminToken(idp: RunningIdp, tenantId: string, client: { client_id: string; client_secret: string }): Promise<string> {
  const config = await oidc.discovery(new URL(`${idp.baseUrl}/${tenantId}/v2.0`), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  return (await oidc.clientCredentialsGrant(config)).access_token;
}

/** Polls (there is no event to await across processes) until `done` holds or the bound passes. */
async function within<T>(boundMs: number, read: () => Promise<T>, done: (value: T) => boolean): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    const ms = Date.now() - started;
    if (done(value) || ms > boundMs) return { value, ms };
    await delay(POLL_INTERVAL_MS);
  }
}

test('a tenant deleted and created again through B is served with its new keys by A, and old tokens fail there', async () => {
  expect((await b.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  // A builds and caches the tenant's Provider: discovery, JWKS, a token signed by its keys.
  const oldKids = await jwksKids(a, 'contoso');
  const oldToken = await adminToken(a, 'contoso', await adminClient(b, 'contoso'));
  expect((await a.admin('GET', '/admin/tenants/contoso', undefined, oldToken)).status).toBe(200);

  expect((await b.admin('DELETE', '/admin/tenants/contoso')).status).toBe(204);
  expect((await b.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso again' })).status).toBe(201);
  const newKids = await jwksKids(b, 'contoso');
  expect(newKids).not.toEqual(oldKids);

  const seen = await within(SEEN_WITHIN_MS, () => jwksKids(a, 'contoso'), (kids) => kids.join() !== oldKids.join());
  expect(seen.value).toEqual(newKids);
  expect(seen.ms).toBeLessThanOrEqual(SEEN_WITHIN_MS);

  // The old keys are gone from A for good: a token they signed is refused, one from the new keys works.
  expect((await a.admin('GET', '/admin/tenants/contoso', undefined, oldToken)).status).toBe(401);
  const newToken = await adminToken(a, 'contoso', await adminClient(b, 'contoso'));
  const signedBy = JSON.parse(Buffer.from(newToken.split('.')[0] as string, 'base64url').toString()) as { kid: string };
  expect(newKids).toContain(signedBy.kid);
  expect(oldKids).not.toContain(signedBy.kid);
  expect((await a.admin('GET', '/admin/tenants/contoso', undefined, newToken)).status).toBe(200);
  const discovery = await (await fetch(`${a.baseUrl}/contoso/v2.0/.well-known/openid-configuration`)).json() as { issuer: string };
  expect(discovery.issuer).toBe(`${a.baseUrl}/contoso/v2.0`);

  recordFinding({
    kind: 'fault',
    name: 'Tenant deleted and re-created while another process caches it',
    tried: 'two app instances on one Redis; instance A served a tenant and issued a tenant-admin token, the tenant was deleted and re-created through B, then A was polled until its JWKS changed',
    times: 1,
    result: `A served the new tenant's keys after ${seen.ms} ms (bound ${SEEN_WITHIN_MS} ms); the old token got 401 at A, a token from the new keys 200`,
  });
});
