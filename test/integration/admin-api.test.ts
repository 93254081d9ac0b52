import { type RunningIdp, startIdp } from '../support/idp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';

/** The admin API for tenants and clients: what it accepts, and what it refuses without writing anything. */

let idp: RunningIdp;

beforeAll(async () => {
  idp = await startIdp();
  expect((await idp.admin('POST', '/admin/tenants', { id: 'northwind', displayName: 'Northwind', verifiedDomains: ['northwind.example'] })).status).toBe(201);
});
afterAll(() => idp.close());

/** Runs a request that must be refused with `status` and checks the store did not change at all. */
async function expectRefusedWithoutWrites(status: number, request: () => Promise<{ status: number; body: any }>) {
  const before = await snapshotNamespace(idp.namespace);
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
  expect(await snapshotNamespace(idp.namespace)).toEqual(before);
  return response.body.error as { code: string; message: string };
}

describe('tenants', () => {
  test('create, read, list, change and delete a tenant', async () => {
    const created = await idp.admin('POST', '/admin/tenants', { displayName: 'Adatum', verifiedDomains: ['Adatum.Example'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      displayName: 'Adatum',
      verifiedDomains: ['adatum.example'],
      idTokenSigningAlgorithm: 'RS256',
      issuer: `${idp.baseUrl}/${created.body.id}/v2.0`,
      createdDateTime: expect.any(String),
    });
    const id = created.body.id as string;

    expect((await idp.admin('GET', `/admin/tenants/${id}`)).body).toEqual(created.body);
    expect((await idp.admin('GET', '/admin/tenants')).body.value.map((tenant: { id: string }) => tenant.id)).toEqual(expect.arrayContaining([id, 'northwind']));

    const changed = await idp.admin('PATCH', `/admin/tenants/${id}`, { displayName: 'Adatum Corp', verifiedDomains: ['adatum.test'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ displayName: 'Adatum Corp', verifiedDomains: ['adatum.test'] });
    // The released domain no longer resolves; the new one does.
    expect((await fetch(`${idp.baseUrl}/adatum.example/v2.0/.well-known/openid-configuration`)).status).toBe(404);
    expect((await fetch(`${idp.baseUrl}/adatum.test/v2.0/.well-known/openid-configuration`)).status).toBe(200);

    expect((await idp.admin('DELETE', `/admin/tenants/${id}`)).status).toBe(204);
    expect((await idp.admin('GET', `/admin/tenants/${id}`)).status).toBe(404);
    expect((await fetch(`${idp.baseUrl}/${id}/v2.0/.well-known/openid-configuration`)).status).toBe(404);
    // Nothing of the deleted tenant is left in the store.
    expect(Object.keys(await snapshotNamespace(idp.namespace)).filter((key) => key.includes(id))).toEqual([]);
  });

  test('a deleted domain can be claimed by another tenant', async () => {
    const first = await idp.admin('POST', '/admin/tenants', { id: 'first-owner', displayName: 'First', verifiedDomains: ['moving.example'] });
    expect(first.status).toBe(201);
    expect((await idp.admin('DELETE', '/admin/tenants/first-owner')).status).toBe(204);
    expect((await idp.admin('POST', '/admin/tenants', { id: 'second-owner', displayName: 'Second', verifiedDomains: ['moving.example'] })).status).toBe(201);
  });

  test.each([
    ['wrong types', { displayName: 42 }, /displayName/],
    ['a missing displayName', { id: 'no-name' }, /displayName/],
    ['an unknown field', { displayName: 'X', plan: 'gold' }, /unknown field plan/],
    ['an upper-case id', { id: 'Contoso', displayName: 'X' }, /id:/],
    ['a reserved id', { id: 'common', displayName: 'X' }, /id:/],
    ['an id with a slash', { id: 'a/b', displayName: 'X' }, /id:/],
    ['a domain that is not a DNS name', { displayName: 'X', verifiedDomains: ['not a domain'] }, /verifiedDomains\.0/],
    ['a single-label domain', { displayName: 'X', verifiedDomains: ['localhost'] }, /verifiedDomains\.0/],
    ['domains that are not a list', { displayName: 'X', verifiedDomains: 'x.example' }, /verifiedDomains/],
    ['an array body', [{ displayName: 'X' }], /expected object/],
  ])('creating a tenant with %s is a 400 that names the field', async (_case, body, message) => {
    const error = await expectRefusedWithoutWrites(400, () => idp.admin('POST', '/admin/tenants', body));
    expect(error.code).toBe('BadRequest');
    expect(error.message).toMatch(message);
  });

  test('a duplicate id is a 409', async () => {
    const error = await expectRefusedWithoutWrites(409, () => idp.admin('POST', '/admin/tenants', { id: 'northwind', displayName: 'Again' }));
    expect(error.message).toMatch(/already exists/);
  });

  test("another tenant's verified domain is a 409, and the new tenant is not created", async () => {
    const error = await expectRefusedWithoutWrites(409, () => idp.admin('POST', '/admin/tenants', {
      id: 'copycat', displayName: 'Copycat', verifiedDomains: ['copycat.example', 'northwind.example'],
    }));
    expect(error.message).toMatch(/northwind\.example/);
    expect((await idp.admin('GET', '/admin/tenants/copycat')).status).toBe(404);
    expect((await fetch(`${idp.baseUrl}/copycat.example/v2.0/.well-known/openid-configuration`)).status).toBe(404);
  });

  test("claiming another tenant's domain by PATCH is a 409 and changes nothing", async () => {
    expect((await idp.admin('POST', '/admin/tenants', { id: 'patcher', displayName: 'Patcher', verifiedDomains: ['patcher.example'] })).status).toBe(201);
    await expectRefusedWithoutWrites(409, () => idp.admin('PATCH', '/admin/tenants/patcher', {
      displayName: 'Renamed', verifiedDomains: ['patcher.example', 'northwind.example'],
    }));
    expect((await idp.admin('GET', '/admin/tenants/patcher')).body.displayName).toBe('Patcher');
  });

  test('a huge body is a 413', async () => {
    const error = await expectRefusedWithoutWrites(413, () => idp.admin('POST', '/admin/tenants', { displayName: 'x'.repeat(200_000) }));
    expect(error.code).toBe('RequestEntityTooLarge');
  });

  test('a body that is not JSON is a 400, one of another type a 415', async () => {
    await expectRefusedWithoutWrites(400, () => idp.admin('POST', '/admin/tenants', '{"displayName": '));
    const response = await fetch(`${idp.baseUrl}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdefghijklmnop', 'content-type': 'text/plain' },
      body: 'displayName=X',
    });
    expect(response.status).toBe(415);
  });

  test('an empty PATCH is a 400', async () => {
    await expectRefusedWithoutWrites(400, () => idp.admin('PATCH', '/admin/tenants/northwind', {}));
  });

  test('unknown tenants are 404s', async () => {
    expect((await idp.admin('GET', '/admin/tenants/ghost')).status).toBe(404);
    await expectRefusedWithoutWrites(404, () => idp.admin('PATCH', '/admin/tenants/ghost', { displayName: 'Boo' }));
    await expectRefusedWithoutWrites(404, () => idp.admin('DELETE', '/admin/tenants/ghost'));
    await expectRefusedWithoutWrites(404, () => idp.admin('POST', '/admin/tenants/ghost/clients', { client_name: 'x', redirect_uris: ['https://x.example/cb'] }));
  });
});

describe('authentication', () => {
  test.each([
    ['no token', undefined],
    ['a wrong token', 'not-the-admin-token'],
    ['an almost right token', 'test-admin-token-0123456789abcdefghijklmnoq'],
  ])('%s gets a 401 and writes nothing', async (_case, token) => {
    const before = await snapshotNamespace(idp.namespace);
    const response = await fetch(`${idp.baseUrl}/admin/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ displayName: 'Sneaky' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await snapshotNamespace(idp.namespace)).toEqual(before);
  });
});

describe('clients', () => {
  test('a confidential web app gets its secret once, stored sealed', async () => {
    const created = await idp.admin('POST', '/admin/tenants/northwind/clients', {
      client_name: 'Payroll', redirect_uris: ['https://payroll.example/signin-oidc'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      roles: [],
    });
    const shown = await idp.admin('GET', `/admin/tenants/northwind/clients/${created.body.client_id}`);
    expect(shown.body.client_secret).toBeUndefined();
    expect(shown.body.client_name).toBe('Payroll');
    // At rest the secret is sealed: it appears nowhere in the store.
    expect(JSON.stringify(await snapshotNamespace(idp.namespace))).not.toContain(created.body.client_secret);

    expect((await idp.admin('GET', '/admin/tenants/northwind/clients')).body.value.map((c: { client_id: string }) => c.client_id)).toContain(created.body.client_id);
    expect((await idp.admin('DELETE', `/admin/tenants/northwind/clients/${created.body.client_id}`)).status).toBe(204);
    expect((await idp.admin('GET', `/admin/tenants/northwind/clients/${created.body.client_id}`)).status).toBe(404);
  });

  test('a public client has no secret', async () => {
    const created = await idp.admin('POST', '/admin/tenants/northwind/clients', {
      client_name: 'Mobile', redirect_uris: ['http://127.0.0.1:7777/cb'], token_endpoint_auth_method: 'none',
    });
    expect(created.status).toBe(201);
    expect(created.body.client_secret).toBeUndefined();
  });

  test('a native app (RFC 8252) registers loopback, private-use scheme and claimed https redirect URIs, and is public by default', async () => {
    const redirectUris = ['http://127.0.0.1/callback', 'http://[::1]:8400/callback', 'com.example.app:/oauth2redirect', 'com.example.app://callback', 'https://app.example.com/oauth2redirect'];
    const created = await idp.admin('POST', '/admin/tenants/northwind/clients', {
      client_name: 'Northwind desktop', application_type: 'native', redirect_uris: redirectUris, post_logout_redirect_uris: ['http://127.0.0.1/signed-out', 'com.example.app:/signed-out'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ application_type: 'native', redirect_uris: redirectUris, token_endpoint_auth_method: 'none' });
    expect(created.body.client_secret).toBeUndefined();
    // A web app is web unless it says otherwise, and confidential.
    const webApp = await idp.admin('POST', '/admin/tenants/northwind/clients', { client_name: 'Northwind web', redirect_uris: ['https://northwind.example/cb'] });
    expect(webApp.body).toMatchObject({ application_type: 'web', token_endpoint_auth_method: 'client_secret_basic' });
  });

  test.each([
    ['localhost for a native app', { client_name: 'x', application_type: 'native', redirect_uris: ['http://localhost/callback'] }, /^Invalid request body: redirect_uris\.0: must not use localhost for a native app \(RFC 8252 8\.3.*register http:\/\/127\.0\.0\.1\/… or http:\/\/\[::1\]\/…, which match any port\.$/],
    ['localhost as a native post-logout redirect', { client_name: 'x', application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'], post_logout_redirect_uris: ['http://localhost:8080/'] }, /post_logout_redirect_uris\.0: must not use localhost/],
    ['a native private-use scheme without a dot', { client_name: 'x', application_type: 'native', redirect_uris: ['myapp:/callback'] }, /redirect_uris\.0: a private-use URI scheme must be a domain name in reverse order, such as com\.example\.app:\/callback/],
    ['a native javascript: redirect', { client_name: 'x', application_type: 'native', redirect_uris: ['javascript:alert(1)'] }, /redirect_uris\.0: a private-use URI scheme must be/],
    ['a native data: redirect', { client_name: 'x', application_type: 'native', redirect_uris: ['https://ok.example/cb', 'data:text/html,hi'] }, /redirect_uris\.1: a private-use URI scheme must be/],
    ['a native http redirect off loopback', { client_name: 'x', application_type: 'native', redirect_uris: ['http://evil.example/callback'] }, /redirect_uris\.0: http is only for loopback redirects of a native app/],
    ['a native https redirect on loopback', { client_name: 'x', application_type: 'native', redirect_uris: ['https://127.0.0.1/callback'] }, /redirect_uris\.0: must not be https on a loopback address/],
    ['a native redirect with a fragment', { client_name: 'x', application_type: 'native', redirect_uris: ['com.example.app:/cb#x'] }, /redirect_uris\.0: must not have a fragment/],
    ['a private-use scheme for a web app', { client_name: 'x', redirect_uris: ['com.example.app:/callback'] }, /redirect_uris\.0: must be an https URL.*needs application_type "native"/],
    ['an unknown application_type', { client_name: 'x', application_type: 'desktop', redirect_uris: ['https://a.example/cb'] }, /application_type/],
    ['no redirect_uris for a code-flow app', { client_name: 'x' }, /redirect_uris/],
    ['an http redirect_uri off localhost', { client_name: 'x', redirect_uris: ['http://app.example/cb'] }, /redirect_uris\.0/],
    ['a javascript: redirect_uri', { client_name: 'x', redirect_uris: ['javascript:alert(1)'] }, /redirect_uris\.0/],
    ['a redirect_uri with a fragment', { client_name: 'x', redirect_uris: ['https://app.example/cb#x'] }, /redirect_uris\.0/],
    ['an unknown grant type', { client_name: 'x', redirect_uris: ['https://a.example/cb'], grant_types: ['password'] }, /grant_types/],
    ['a public client-credentials client', { client_name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, /token_endpoint_auth_method/],
    ['an unknown role', { client_name: 'x', grant_types: ['client_credentials'], roles: ['root'] }, /roles/],
    ['the admin role without client credentials', { client_name: 'x', redirect_uris: ['https://a.example/cb'], roles: ['admin'] }, /roles/],
    ['an unknown field', { client_name: 'x', redirect_uris: ['https://a.example/cb'], client_secret: 'mine' }, /unknown field client_secret/],
    ['a client_name of the wrong type', { client_name: ['x'], redirect_uris: ['https://a.example/cb'] }, /client_name/],
  ])('registering %s is a 400 that names the field', async (_case, body, message) => {
    const error = await expectRefusedWithoutWrites(400, () => idp.admin('POST', '/admin/tenants/northwind/clients', body));
    expect(error.message).toMatch(message);
  });

  test('unknown clients are 404s', async () => {
    expect((await idp.admin('GET', '/admin/tenants/northwind/clients/nope')).status).toBe(404);
    await expectRefusedWithoutWrites(404, () => idp.admin('DELETE', '/admin/tenants/northwind/clients/nope'));
  });
});

test('an unknown admin path is a JSON 404', async () => {
  const response = await idp.admin('GET', '/admin/nothing-here');
  expect(response.status).toBe(404);
  expect(response.body.error.code).toBe('Request_ResourceNotFound');
});
