import * as oidc from 'openid-client';

import { cookiesOf, rawRequest } from '../support/http.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * Per-tenant issuers: discovery, JWKS and every endpoint under `/{tenant}/v2.0`, verified domains
 * as aliases, and nothing of one tenant accepted by another.
 */

let idp: RunningIdp;
const serviceClients: Record<string, { client_id: string; client_secret: string }> = {};

async function serviceClient(tenantId: string) {
  const created = await idp.admin('POST', `/admin/tenants/${tenantId}/clients`, {
    client_name: `${tenantId} service`,
    grant_types: ['client_credentials'],
  });
  expect(created.status).toBe(201);
  return created.body as { client_id: string; client_secret: string };
}

async function configFor(tenantId: string, client: { client_id: string; client_secret: string }) {
  return oidc.discovery(new URL(`${idp.baseUrl}/${tenantId}/v2.0`), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

beforeAll(async () => {
  idp = await startIdp();
  for (const [id, domain] of [['fabrikam', 'fabrikam.example'], ['woodgrove', 'woodgrove.example']] as const) {
    const created = await idp.admin('POST', '/admin/tenants', { id, displayName: id, verifiedDomains: [domain] });
    expect(created.status).toBe(201);
    serviceClients[id] = await serviceClient(id);
  }
});

afterAll(() => idp.close());

describe('discovery', () => {
  test.each(['fabrikam', 'woodgrove'])('openid-client discovers tenant %s at its own issuer', async (tenantId) => {
    const config = await configFor(tenantId, serviceClients[tenantId]!);
    const metadata = config.serverMetadata();
    const issuer = `${idp.baseUrl}/${tenantId}/v2.0`;
    expect(metadata.issuer).toBe(issuer);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint',
      'introspection_endpoint', 'revocation_endpoint', 'pushed_authorization_request_endpoint', 'end_session_endpoint'] as const) {
      expect(metadata[endpoint]).toMatch(new RegExp(`^${issuer}/`));
    }
  });

  test('advertises the secure profile: code flow, S256 only, RFC 9207 iss, PAR, DPoP', async () => {
    const metadata = (await configFor('fabrikam', serviceClients.fabrikam!)).serverMetadata();
    // `none` serves only the built-in invitation redemption client; apps are registered for `code`.
    expect(metadata.response_types_supported).toEqual(['code', 'none']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    expect(metadata.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
  });

  test('a verified domain in the URL is the same tenant with the canonical issuer', async () => {
    const alias = await fetch(`${idp.baseUrl}/fabrikam.example/v2.0/.well-known/openid-configuration`).then((r) => r.json());
    const canonical = await fetch(`${idp.baseUrl}/fabrikam/v2.0/.well-known/openid-configuration`).then((r) => r.json());
    expect(alias).toEqual(canonical);
    // openid-client, pointed at the alias discovery document, gets the canonical issuer.
    const config = await oidc.discovery(
      new URL(`${idp.baseUrl}/fabrikam.example/v2.0/.well-known/openid-configuration`),
      serviceClients.fabrikam!.client_id, serviceClients.fabrikam!.client_secret, undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    expect(config.serverMetadata().issuer).toBe(`${idp.baseUrl}/fabrikam/v2.0`);
    // Domain names are case-insensitive.
    expect((await fetch(`${idp.baseUrl}/FABRIKAM.example/v2.0/.well-known/openid-configuration`)).status).toBe(200);
  });

  test('RFC 8414 authorization server metadata is published for each issuer', async () => {
    const config = await oidc.discovery(new URL(`${idp.baseUrl}/woodgrove/v2.0`), serviceClients.woodgrove!.client_id,
      serviceClients.woodgrove!.client_secret, undefined, { algorithm: 'oauth2', execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata().issuer).toBe(`${idp.baseUrl}/woodgrove/v2.0`);
  });

  test('published URLs come from BASE_URL, never from the Host or X-Forwarded headers', async () => {
    const forged = await rawRequest(`${idp.baseUrl}/fabrikam/v2.0/.well-known/openid-configuration`, {
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    expect(forged.status).toBe(200);
    expect(forged.body).not.toContain('evil.example');
    expect(JSON.parse(forged.body).token_endpoint).toBe(`${idp.baseUrl}/fabrikam/v2.0/token`);
  });
});

describe('keys and tokens stay in their tenant', () => {
  test('every tenant has its own RS256 and ES256 keys; none is shared', async () => {
    const jwks = async (tenantId: string) => ((await fetch(`${idp.baseUrl}/${tenantId}/v2.0/jwks`).then((r) => r.json())) as { keys: Array<Record<string, string>> }).keys;
    const [a, b] = await Promise.all([jwks('fabrikam'), jwks('woodgrove')]);
    for (const keys of [a, b]) {
      expect(keys.map((key) => key.alg)).toEqual(expect.arrayContaining(['RS256', 'ES256']));
      expect(keys.every((key) => key.d === undefined)).toBe(true);
    }
    const material = (key: Record<string, string>) => key.n ?? `${key.x}.${key.y}`;
    expect(a.map((key) => key.kid)).not.toEqual(expect.arrayContaining([b[0]!.kid]));
    expect(new Set([...a, ...b].map(material)).size).toBe(a.length + b.length);
  });

  test("a client-credentials token of tenant A is active at A's introspection and rejected by B's", async () => {
    const a = await configFor('fabrikam', serviceClients.fabrikam!);
    const b = await configFor('woodgrove', serviceClients.woodgrove!);
    const { access_token: token } = await oidc.clientCredentialsGrant(a);

    expect((await oidc.tokenIntrospection(a, token)).active).toBe(true);
    expect((await oidc.tokenIntrospection(b, token)).active).toBe(false);
  });

  test("a tenant's client cannot authenticate at another tenant", async () => {
    const wrongTenant = await oidc.discovery(new URL(`${idp.baseUrl}/woodgrove/v2.0`), serviceClients.fabrikam!.client_id,
      serviceClients.fabrikam!.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
    await expect(oidc.clientCredentialsGrant(wrongTenant)).rejects.toMatchObject({ error: 'invalid_client' });
  });
});

describe('tenant context in URLs and cookies', () => {
  test('an authorization request through a domain alias continues on the canonical, tenant-prefixed interaction URL with tenant-named cookies', async () => {
    const app = await idp.admin('POST', '/admin/tenants/fabrikam/clients', {
      client_name: 'Browser app', redirect_uris: ['http://localhost:8080/callback'], token_endpoint_auth_method: 'none',
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const query = new URLSearchParams({
      client_id: app.body.client_id, response_type: 'code', scope: 'openid', redirect_uri: 'http://localhost:8080/callback',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'xyz',
    });
    const response = await rawRequest(`${idp.baseUrl}/fabrikam.example/v2.0/auth?${query}`);

    expect(response.status).toBe(303);
    expect(response.headers.location).toMatch(new RegExp(`^${idp.baseUrl}/fabrikam/v2\\.0/interaction/[\\w-]+$`));
    const cookies = cookiesOf(response.headers['set-cookie']);
    expect(cookies.gi_interaction_fabrikam?.attributes).toContain('path=/fabrikam/v2.0/interaction/');
    expect(cookies.gi_resume_fabrikam?.attributes).toContain('path=/fabrikam/v2.0/auth/');
    expect(cookies.gi_interaction_fabrikam?.attributes).toContain('httponly');
    expect(Object.keys(cookies).some((name) => name.includes('woodgrove'))).toBe(false);
  });

  test('a public client without PKCE is refused', async () => {
    const app = await idp.admin('POST', '/admin/tenants/woodgrove/clients', {
      client_name: 'SPA', redirect_uris: ['http://localhost:8080/cb'], token_endpoint_auth_method: 'none',
    });
    const query = new URLSearchParams({
      client_id: app.body.client_id, response_type: 'code', scope: 'openid', redirect_uri: 'http://localhost:8080/cb', state: 's',
    });
    const response = await rawRequest(`${idp.baseUrl}/woodgrove/v2.0/auth?${query}`);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.location as string);
    expect(location.origin + location.pathname).toBe('http://localhost:8080/cb');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.get('iss')).toBe(`${idp.baseUrl}/woodgrove/v2.0`);
  });

  test('a redirect_uri that is not registered exactly is refused without redirecting', async () => {
    const app = await idp.admin('POST', '/admin/tenants/woodgrove/clients', {
      client_name: 'Exact', redirect_uris: ['https://app.example/callback'],
    });
    for (const near of ['https://app.example/callback/', 'https://app.example/callback?x=1', 'https://app.example/Callback']) {
      const query = new URLSearchParams({ client_id: app.body.client_id, response_type: 'code', scope: 'openid', redirect_uri: near });
      const response = await rawRequest(`${idp.baseUrl}/woodgrove/v2.0/auth?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(response.body).toContain('invalid_redirect_uri');
    }
  });
});
