import * as oidc from 'openid-client';

import { type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * Providers are disposable: evicting one from the LRU, or serving from a second process, loses
 * nothing, because every piece of state is in the store. Key rotation publishes before it signs.
 */

let idp: RunningIdp;
const clients: Record<string, { client_id: string; client_secret: string }> = {};

async function config(instance: RunningIdp, tenantId: string) {
  const client = clients[tenantId]!;
  return oidc.discovery(new URL(`${instance.baseUrl}/${tenantId}/v2.0`), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

beforeAll(async () => {
  // Room for one Provider only: every switch of tenant evicts the other.
  idp = await startIdp({ env: { PROVIDER_CACHE_SIZE: '1' } });
  for (const id of ['alpha', 'beta']) {
    expect((await idp.admin('POST', '/admin/tenants', { id, displayName: id })).status).toBe(201);
    clients[id] = (await idp.admin('POST', `/admin/tenants/${id}/clients`, { client_name: 'svc', grant_types: ['client_credentials'] })).body;
  }
});
afterAll(() => idp.close());

test('evicting a Provider from the LRU loses no tokens, clients or keys', async () => {
  const alpha = await config(idp, 'alpha');
  const jwksBefore = await fetch(`${idp.baseUrl}/alpha/v2.0/jwks`).then((r) => r.json());
  const { access_token: token } = await oidc.clientCredentialsGrant(alpha);
  const builtBefore = (await idp.metrics.providersBuilt.get()).values[0]?.value ?? 0;

  // Using beta evicts alpha's Provider.
  await oidc.clientCredentialsGrant(await config(idp, 'beta'));
  expect(idp.providers.size).toBe(1);

  expect((await oidc.tokenIntrospection(alpha, token)).active).toBe(true);
  expect(await fetch(`${idp.baseUrl}/alpha/v2.0/jwks`).then((r) => r.json())).toEqual(jwksBefore);
  const builtAfter = (await idp.metrics.providersBuilt.get()).values[0]?.value ?? 0;
  expect(builtAfter).toBeGreaterThanOrEqual(builtBefore + 2);
});

test('a second process on the same store accepts what the first one issued', async () => {
  const second = await startIdp({ namespace: idp.namespace, keepData: true });
  try {
    const { access_token: token } = await oidc.clientCredentialsGrant(await config(idp, 'alpha'));
    expect((await oidc.tokenIntrospection(await config(second, 'alpha'), token)).active).toBe(true);
    expect(await fetch(`${second.baseUrl}/alpha/v2.0/jwks`).then((r) => r.json()))
      .toEqual(await fetch(`${idp.baseUrl}/alpha/v2.0/jwks`).then((r) => r.json()));
  } finally {
    await second.close();
  }
});

describe('signing key rotation', () => {
  type Key = { kid: string; alg: string; status: string; publishedUntil?: string };
  const keysOf = async (tenantId: string) => (await idp.admin('GET', `/admin/tenants/${tenantId}/signingKeys`)).body.value as Key[];
  const publishedKids = async (tenantId: string) =>
    ((await fetch(`${idp.baseUrl}/${tenantId}/v2.0/jwks`).then((r) => r.json())) as { keys: Key[] }).keys.map((key) => key.kid);

  test('a new tenant publishes a current and a next key per algorithm, current first', async () => {
    const keys = await keysOf('beta');
    for (const alg of ['RS256', 'ES256']) {
      expect(keys.filter((key) => key.alg === alg).map((key) => key.status).sort()).toEqual(['current', 'next']);
    }
    const kids = await publishedKids('beta');
    const current = keys.filter((key) => key.status === 'current').map((key) => key.kid);
    const next = keys.filter((key) => key.status === 'next').map((key) => key.kid);
    expect(kids.slice(0, 2).sort()).toEqual(current.sort());
    expect(kids.slice(2).sort()).toEqual(next.sort());
  });

  test('rotating promotes the pre-published key, keeps the old one published for verification, and pre-publishes a fresh one', async () => {
    const before = await keysOf('beta');
    const rotated = (await idp.admin('POST', '/admin/tenants/beta/signingKeys/rotate')).body.value as Key[];

    for (const alg of ['RS256', 'ES256']) {
      const old = before.filter((key) => key.alg === alg);
      const now = rotated.filter((key) => key.alg === alg);
      const byStatus = (keys: Key[], status: string) => keys.find((key) => key.status === status)?.kid;
      expect(byStatus(now, 'current')).toBe(byStatus(old, 'next'));
      expect(byStatus(now, 'retired')).toBe(byStatus(old, 'current'));
      expect([byStatus(old, 'current'), byStatus(old, 'next')]).not.toContain(byStatus(now, 'next'));
      expect(Date.parse(now.find((key) => key.status === 'retired')!.publishedUntil!)).toBeGreaterThan(Date.now());
    }

    // This process serves the new key order at once; the JWKS holds every key, the new signers first.
    const kids = await publishedKids('beta');
    expect(kids).toHaveLength(6);
    expect(kids.slice(0, 2).sort()).toEqual(rotated.filter((key) => key.status === 'current').map((key) => key.kid).sort());
  });

  test('signing keys are never returned, and rotating an unknown tenant is a 404', async () => {
    const keys = (await idp.admin('GET', '/admin/tenants/alpha/signingKeys')).body.value as Array<Record<string, unknown>>;
    expect(keys.every((key) => Object.keys(key).every((field) => ['kid', 'alg', 'status', 'createdDateTime', 'publishedUntil'].includes(field)))).toBe(true);
    expect((await idp.admin('POST', '/admin/tenants/nobody/signingKeys/rotate')).status).toBe(404);
  });
});
