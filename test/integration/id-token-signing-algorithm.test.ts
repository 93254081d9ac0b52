import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';
import { inviteGuest, type SignInFixture, signInWithCode } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * A tenant chooses how its ID tokens are signed (`idTokenSigningAlgorithm`, RS256 by default, or
 * ES256) for apps that registered no algorithm of their own; an app's own
 * `id_token_signed_response_alg` still wins. The tokens verify against the tenant's published JWKS.
 */

let smtp: SmtpListener;
let idp: RunningIdp;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

async function createTenant(id: string, body: Record<string, unknown> = {}) {
  const created = await idp.admin('POST', '/admin/tenants', { id, displayName: id, ...body });
  expect(created.status).toBe(201);
  return created.body as { id: string; issuer: string; idTokenSigningAlgorithm: string };
}

async function registerApp(tenantId: string, extra: Record<string, unknown> = {}): Promise<SignInFixture> {
  const redirectUri = `https://${tenantId}-app.example/callback`;
  const app = await idp.admin('POST', `/admin/tenants/${tenantId}/clients`, { client_name: 'app', redirect_uris: [redirectUri], ...extra });
  expect(app.status).toBe(201);
  return { tenantId, issuer: `${idp.baseUrl}/${tenantId}/v2.0`, app: app.body, redirectUri };
}

/** The ID token's algorithm, after checking its signature with the tenant's published keys. */
async function verifiedAlgorithm(fixture: SignInFixture, idToken: string): Promise<string> {
  const discovery = await (await fetch(`${fixture.issuer}/.well-known/openid-configuration`)).json() as { jwks_uri: string };
  const alg = decodeProtectedHeader(idToken).alg as string;
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
    issuer: fixture.issuer, audience: fixture.app.client_id, algorithms: [alg],
  });
  expect(payload.tid).toBe(fixture.tenantId);
  return alg;
}

/** An ID token for an already signed-in guest: straight back to the app, then the code exchange. */
async function idTokenAgain(guest: GuestAgent, fixture: SignInFixture): Promise<string> {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const callback = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  if (!callback.location || !rp.isCallback(callback.location)) throw new Error(`no silent sign-in: ${callback.status} ${callback.url}`);
  return (await rp.redeemCallback(callback.location)).id_token!;
}

test('an ES256 tenant issues ES256 ID tokens that verify against its JWKS', async () => {
  const tenant = await createTenant('northwind', { idTokenSigningAlgorithm: 'ES256' });
  expect(tenant.idTokenSigningAlgorithm).toBe('ES256');
  expect((await idp.admin('GET', '/admin/tenants/northwind')).body.idTokenSigningAlgorithm).toBe('ES256');
  const fixture = await registerApp('northwind');
  await inviteGuest(idp, 'northwind', 'es@partner.example');
  const { tokens } = await signInWithCode(new GuestAgent(), fixture, 'es@partner.example', smtp);
  expect(await verifiedAlgorithm(fixture, tokens.id_token!)).toBe('ES256');
});

test('an app of that tenant registered for RS256 still gets RS256', async () => {
  const fixture = await registerApp('northwind', { id_token_signed_response_alg: 'RS256' });
  await inviteGuest(idp, 'northwind', 'rs@partner.example');
  const { tokens } = await signInWithCode(new GuestAgent(), fixture, 'rs@partner.example', smtp);
  expect(await verifiedAlgorithm(fixture, tokens.id_token!)).toBe('RS256');
});

test('discovery lists both algorithms whatever the tenant chose', async () => {
  await createTenant('tailwind');
  for (const tenantId of ['northwind', 'tailwind']) {
    const discovery = await (await fetch(`${idp.baseUrl}/${tenantId}/v2.0/.well-known/openid-configuration`)).json() as Record<string, string[]>;
    expect(discovery.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
  }
});

test('a tenant is RS256 by default; PATCH switches it and the next ID token uses the new algorithm', async () => {
  const tenant = await createTenant('litware');
  expect(tenant.idTokenSigningAlgorithm).toBe('RS256');
  const fixture = await registerApp('litware');
  await inviteGuest(idp, 'litware', 'switch@partner.example');
  const guest = new GuestAgent();
  const { tokens } = await signInWithCode(guest, fixture, 'switch@partner.example', smtp);
  expect(await verifiedAlgorithm(fixture, tokens.id_token!)).toBe('RS256');

  // The tenant's revision grows, so other processes of the deployment rebuild its Provider too
  // (this process drops its own at once).
  const revision = (await idp.tenants.get('litware')).revision;
  const patched = await idp.admin('PATCH', '/admin/tenants/litware', { idTokenSigningAlgorithm: 'ES256' });
  expect(patched.status).toBe(200);
  expect(patched.body.idTokenSigningAlgorithm).toBe('ES256');
  expect((await idp.tenants.get('litware')).revision).toBe(revision + 1);
  expect(await verifiedAlgorithm(fixture, await idTokenAgain(guest, fixture))).toBe('ES256');

  expect((await idp.admin('PATCH', '/admin/tenants/litware', { idTokenSigningAlgorithm: 'RS256' })).status).toBe(200);
  expect(await verifiedAlgorithm(fixture, await idTokenAgain(guest, fixture))).toBe('RS256');
  // Setting what is already set changes nothing a Provider holds.
  expect((await idp.admin('PATCH', '/admin/tenants/litware', { idTokenSigningAlgorithm: 'RS256' })).status).toBe(200);
  expect((await idp.tenants.get('litware')).revision).toBe(revision + 2);
});

test.each([
  ['a name it does not know', 'HS256'],
  ['the wrong case', 'es256'],
  ['none', 'none'],
  ['not a string', 256],
])('an algorithm that is %s is a 400 naming the field and the choices, and nothing is written', async (_what, value) => {
  const before = await snapshotNamespace(idp.namespace);
  const created = await idp.admin('POST', '/admin/tenants', { id: 'contoso-bad-alg', displayName: 'Contoso', idTokenSigningAlgorithm: value });
  expect(created.status).toBe(400);
  expect(created.body.error.message).toBe('Invalid request body: idTokenSigningAlgorithm: must be one of RS256, ES256.');

  const patched = await idp.admin('PATCH', '/admin/tenants/northwind', { idTokenSigningAlgorithm: value });
  expect(patched.status).toBe(400);
  expect(patched.body.error.message).toBe('Invalid request body: idTokenSigningAlgorithm: must be one of RS256, ES256.');
  expect(await snapshotNamespace(idp.namespace)).toEqual(before);
});
