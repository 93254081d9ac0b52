import * as oidc from 'openid-client';

import { type RunningIdp, startIdp } from '../support/idp.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Tenant-scoped administrators: a tenant's client with the admin role gets a client-credentials
 * token from that tenant's issuer and may manage that tenant, and nothing else.
 */

let smtp: SmtpListener;
let idp: RunningIdp;

async function adminClient(tenantId: string, roles: string[] = ['admin']) {
  const created = await idp.admin('POST', `/admin/tenants/${tenantId}/clients`, { client_name: `${tenantId} provisioning`, grant_types: ['client_credentials'], roles });
  expect(created.status).toBe(201);
  return created.body as { client_id: string; client_secret: string };
}

async function tokenFor(tenantId: string, client: { client_id: string; client_secret: string }): Promise<string> {
  const config = await oidc.discovery(new URL(`${idp.baseUrl}/${tenantId}/v2.0`), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  return (await oidc.clientCredentialsGrant(config)).access_token;
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  for (const id of ['contoso', 'fabrikam']) expect((await idp.admin('POST', '/admin/tenants', { id, displayName: id === 'contoso' ? 'Contoso' : 'Fabrikam' })).status).toBe(201);
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

test('an admin client of a tenant manages that tenant with its client-credentials token', async () => {
  const token = await tokenFor('contoso', await adminClient('contoso'));
  // A JWT of the tenant's issuer, for the admin API.
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  expect(claims).toMatchObject({ iss: `${idp.baseUrl}/contoso/v2.0`, aud: `${idp.baseUrl}/admin` });

  expect((await idp.admin('GET', '/admin/tenants/contoso', undefined, token)).status).toBe(200);
  expect((await idp.admin('PATCH', '/admin/tenants/contoso', { displayName: 'Contoso Ltd' }, token)).body.displayName).toBe('Contoso Ltd');
  expect((await idp.admin('GET', '/admin/tenants/contoso/users', undefined, token)).status).toBe(200);
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state: 'enabled' }, token)).status).toBe(200);
  expect((await idp.admin('GET', '/admin/tenants/contoso/signingKeys', undefined, token)).status).toBe(200);

  const invitation = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
    invitedUserEmailAddress: 'by-tenant-admin@partner.example', inviteRedirectUrl: 'https://apps.example/', sendInvitationMessage: true,
  }, token);
  expect(invitation.status).toBe(201);
  expect((await smtp.nextMessageTo('by-tenant-admin@partner.example')).text).toContain('contoso provisioning at Contoso Ltd invited');
});

test("a tenant admin token of A gets 403 on B, on tenant creation and listing, and on deleting its own tenant", async () => {
  const token = await tokenFor('contoso', await adminClient('contoso'));
  for (const [method, path, body] of [
    ['GET', '/admin/tenants/fabrikam', undefined],
    ['GET', '/admin/tenants/fabrikam/users', undefined],
    ['POST', '/admin/tenants/fabrikam/invitations', { invitedUserEmailAddress: 'x@partner.example', inviteRedirectUrl: 'https://apps.example/' }],
    ['PATCH', '/admin/tenants/fabrikam/policies/emailOtp', { state: 'disabled' }],
    ['GET', '/admin/tenants/nonexistent', undefined],
    ['POST', '/admin/tenants', { displayName: 'Mine now' }],
    ['GET', '/admin/tenants', undefined],
    ['DELETE', '/admin/tenants/contoso', undefined],
  ] as const) {
    const response = await idp.admin(method, path, body, token);
    expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
    expect(response.body.error.code).toBe('Authorization_RequestDenied');
  }
  expect((await idp.admin('GET', '/admin/tenants/fabrikam')).body.displayName).toBe('Fabrikam');
  expect((await fetch(`${idp.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
});

test('tokens of clients without the admin role, or of a deleted admin client, are refused', async () => {
  const plain = await adminClient('contoso', []);
  const plainToken = await tokenFor('contoso', plain);
  expect((await idp.admin('GET', '/admin/tenants/contoso', undefined, plainToken)).status).toBe(401);

  const admin = await adminClient('contoso');
  const token = await tokenFor('contoso', admin);
  expect((await idp.admin('GET', '/admin/tenants/contoso', undefined, token)).status).toBe(200);
  expect((await idp.admin('DELETE', `/admin/tenants/contoso/clients/${admin.client_id}`)).status).toBe(204);
  expect((await idp.admin('GET', '/admin/tenants/contoso', undefined, token)).status).toBe(401);
});

test('a token signed by another tenant, or forged, is refused', async () => {
  const token = await tokenFor('fabrikam', await adminClient('fabrikam'));
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  // Claim to be contoso's, keeping fabrikam's signature: the issuer's keys do not verify it.
  const forged = [header, Buffer.from(JSON.stringify({ ...claims, iss: `${idp.baseUrl}/contoso/v2.0` })).toString('base64url'), signature].join('.');
  expect((await idp.admin('GET', '/admin/tenants/contoso', undefined, forged)).status).toBe(401);
  expect((await idp.admin('GET', '/admin/tenants/contoso', undefined, 'not.a.jwt')).status).toBe(401);
});

test('only admin clients can ask for the admin API as a resource', async () => {
  const plain = await adminClient('contoso', []);
  const config = await oidc.discovery(new URL(`${idp.baseUrl}/contoso/v2.0`), plain.client_id, plain.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  await expect(oidc.clientCredentialsGrant(config, { resource: `${idp.baseUrl}/admin` })).rejects.toMatchObject({ error: 'invalid_target' });
});
