import { type RunningIdp, startIdp } from '../support/idp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.ts';

/** `/admin/tenants/{t}/identityProviders` and members: validated on write, secrets never shown. */

let idp: RunningIdp;
let upstream: UpstreamIdp;
const SECRET = 'the-upstream-client-secret-0123456789';

const put = (id: string, body: Record<string, unknown>) => idp.admin('PUT', `/admin/tenants/contoso/identityProviders/${id}`, body);
const partner = () => ({ type: 'oidc', issuer: upstream.issuer, clientId: 'contoso', clientSecret: SECRET, domains: ['partner.example'] });

async function expectRefusedWithoutWrites(status: number, request: () => Promise<{ status: number; body: any }>, message: RegExp) {
  const before = await snapshotNamespace(idp.namespace);
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.body.error.message).toMatch(message);
  expect(await snapshotNamespace(idp.namespace)).toEqual(before);
}

beforeAll(async () => {
  upstream = await startUpstreamIdp('Partner IdP');
  idp = await startIdp();
  for (const id of ['contoso', 'fabrikam']) expect((await idp.admin('POST', '/admin/tenants', { id, displayName: id })).status).toBe(201);
});

afterAll(async () => {
  await idp.close();
  await upstream.close();
});

test('an oidc provider is created, shown without its secret, listed, replaced keeping its secret, and deleted', async () => {
  const created = await put('partner', { ...partner(), displayName: 'Partner sign-in' });
  expect(created.status).toBe(201);
  expect(created.body).toEqual({
    id: 'partner', type: 'oidc', displayName: 'Partner sign-in', issuer: upstream.issuer, clientId: 'contoso',
    domains: ['partner.example'], createdDateTime: expect.any(String),
  });
  expect(JSON.stringify(await snapshotNamespace(idp.namespace))).not.toContain(SECRET);
  expect((await idp.admin('GET', '/admin/tenants/contoso/identityProviders/partner')).body).toEqual(created.body);
  expect((await idp.admin('GET', '/admin/tenants/contoso/identityProviders')).body.value.map((provider: { id: string }) => provider.id)).toEqual(['partner']);

  const sealedBefore = (await snapshotNamespace(idp.namespace))[idp.keys.identityProvider('contoso', 'partner')] as string;
  const replaced = await put('partner', { type: 'oidc', issuer: upstream.issuer, clientId: 'contoso', domains: ['partner.example', 'partner.test'] });
  expect(replaced.status).toBe(200);
  expect(replaced.body.domains).toEqual(['partner.example', 'partner.test']);
  const sealedAfter = (await snapshotNamespace(idp.namespace))[idp.keys.identityProvider('contoso', 'partner')] as string;
  expect(JSON.parse(sealedAfter).sealedClientSecret).toBe(JSON.parse(sealedBefore).sealedClientSecret);
  expect(replaced.body.createdDateTime).toBe(created.body.createdDateTime);

  expect((await idp.admin('DELETE', '/admin/tenants/contoso/identityProviders/partner')).status).toBe(204);
  expect((await idp.admin('GET', '/admin/tenants/contoso/identityProviders/partner')).status).toBe(404);
  expect((await idp.admin('DELETE', '/admin/tenants/contoso/identityProviders/partner')).status).toBe(404);
  // Its domains are free again.
  expect((await put('other', { ...partner(), domains: ['partner.test'] })).status).toBe(201);
  await idp.admin('DELETE', '/admin/tenants/contoso/identityProviders/other');
});

test('Google federation takes Google’s domains', async () => {
  const google = await put('google', { type: 'google', issuer: upstream.issuer, clientId: 'contoso', clientSecret: SECRET });
  expect(google.status).toBe(201);
  expect(google.body).toMatchObject({ type: 'google', displayName: 'Google', domains: ['gmail.com', 'googlemail.com'] });
  // A second Google provider would claim the same domains.
  await expectRefusedWithoutWrites(409, () => put('google-two', { type: 'google', issuer: upstream.issuer, clientId: 'x', clientSecret: SECRET }), /gmail\.com/);
  await idp.admin('DELETE', '/admin/tenants/contoso/identityProviders/google');
});

describe('refused writes leave nothing behind', () => {
  test.each([
    ['an issuer that does not answer', () => put('dead', { ...partner(), issuer: 'http://127.0.0.1:9' }), 400, /issuer: could not use/],
    ['an issuer whose metadata names another issuer', () => put('liar', { ...partner(), issuer: `${upstream.issuer}/elsewhere` }), 400, /issuer: could not use/],
    ['an http issuer off localhost', () => put('plain', { ...partner(), issuer: 'http://idp.partner.example' }), 400, /issuer: must be an https URL/],
    ['an oidc provider without domains', () => put('nodomains', { ...partner(), domains: [] }), 400, /domains: an oidc identity provider claims at least one domain/],
    ['a malformed domain', () => put('baddomain', { ...partner(), domains: ['not a domain'] }), 400, /domains\.0: must be a DNS domain/],
    ['a domain listed twice', () => put('twice', { ...partner(), domains: ['a.example', 'A.example'] }), 400, /lists a domain twice/],
    ['Google with a non-Google domain', () => put('google', { type: 'google', issuer: upstream.issuer, clientId: 'x', clientSecret: SECRET, domains: ['outlook.com'] }), 400, /Google federation is for gmail\.com and googlemail\.com/],
    ['a new provider without a secret', () => put('nosecret', { type: 'oidc', issuer: upstream.issuer, clientId: 'x', domains: ['nosecret.example'] }), 400, /clientSecret: is required/],
    ['an unknown field', () => put('extra', { ...partner(), scopes: ['openid'] }), 400, /unknown field scopes/],
    ['an id that is not a slug', () => put('Not_OK', partner()), 400, /lower-case slug/],
  ])('%s', async (_case, request, status, message) => {
    await expectRefusedWithoutWrites(status, request, message);
  });

  test('a domain another provider of the tenant claims is a 409', async () => {
    expect((await put('first', { ...partner(), domains: ['shared.example'] })).status).toBe(201);
    await expectRefusedWithoutWrites(409, () => put('second', { ...partner(), domains: ['unique.example', 'shared.example'] }), /shared\.example/);
    // Another tenant may claim it for itself.
    expect((await idp.admin('PUT', '/admin/tenants/fabrikam/identityProviders/mine', { ...partner(), domains: ['shared.example'] })).status).toBe(201);
  });

  test('changing a provider’s type is a 409', async () => {
    expect((await put('typed', { ...partner(), domains: ['typed.example'] })).status).toBe(201);
    await expectRefusedWithoutWrites(409, () => put('typed', { type: 'google', issuer: upstream.issuer, clientId: 'x', clientSecret: SECRET }), /delete it to change its type/);
  });
});

describe('members', () => {
  test('a member is created, listed as userType Member, and cannot be invited as a guest of its own tenant', async () => {
    const created = await idp.admin('POST', '/admin/tenants/contoso/users', { mail: 'Lidia.Holloway@Contoso.example', displayName: 'Lidia Holloway' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ mail: 'lidia.holloway@contoso.example', displayName: 'Lidia Holloway', userType: 'Member', externalUserState: null, source: null });
    const members = await idp.admin('GET', `/admin/tenants/contoso/users?$filter=${encodeURIComponent("userType eq 'Member'")}`);
    expect(members.body.value.map((user: { mail: string }) => user.mail)).toEqual(['lidia.holloway@contoso.example']);

    await expectRefusedWithoutWrites(409, () => idp.admin('POST', '/admin/tenants/contoso/users', { mail: 'lidia.holloway@contoso.example' }), /already a user/);
    await expectRefusedWithoutWrites(400, () => idp.admin('POST', '/admin/tenants/contoso/invitations', {
      invitedUserEmailAddress: 'lidia.holloway@contoso.example', inviteRedirectUrl: 'https://apps.example/',
    }), /member of this tenant/);
    await expectRefusedWithoutWrites(400, () => idp.admin('POST', '/admin/tenants/contoso/users', { mail: 'nope', userType: 'Guest' }), /mail: must be an email address.*unknown field userType|unknown field userType.*mail/);
  });
});

test('a tenant administrator manages its own identity providers only', async () => {
  const service = (await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'ops', grant_types: ['client_credentials'], roles: ['admin'] })).body;
  const token = (await (await fetch(`${idp.baseUrl}/contoso/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  })).json() as { access_token: string }).access_token;
  expect((await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/self', { ...partner(), domains: ['self.example'] }, token)).status).toBe(201);
  expect((await idp.admin('PUT', '/admin/tenants/fabrikam/identityProviders/theirs', { ...partner(), domains: ['theirs.example'] }, token)).status).toBe(403);
});
