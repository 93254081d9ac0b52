import * as oidc from 'openid-client';

import { type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * Which URL a relying party configures. A verified domain stands in for the tenant id in any URL,
 * but discovery always names the canonical issuer `${BASE_URL}/{id}/v2.0` (as Entra's does), so
 * tokens of one tenant carry one `iss` whichever URL the app used. A library that checks the
 * issuer it was given against the document's (OIDC Discovery 4.3) therefore refuses the alias as
 * an issuer; docs/relying-parties.md tells developers to configure the canonical one and quotes
 * the error below.
 */

let idp: RunningIdp;
let client: { client_id: string; client_secret: string };

beforeAll(async () => {
  idp = await startIdp();
  expect((await idp.admin('POST', '/admin/tenants', { id: 'northwind', displayName: 'Northwind', verifiedDomains: ['northwind.example'] })).status).toBe(201);
  const created = await idp.admin('POST', '/admin/tenants/northwind/clients', { client_name: 'Northwind service', grant_types: ['client_credentials'] });
  expect(created.status).toBe(201);
  client = created.body as typeof client;
});

afterAll(() => idp.close());

function discover(server: string) {
  return oidc.discovery(new URL(server), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
}

test('the canonical issuer is the one to configure: discovery there succeeds', async () => {
  const config = await discover(`${idp.baseUrl}/northwind/v2.0`);
  expect(config.serverMetadata().issuer).toBe(`${idp.baseUrl}/northwind/v2.0`);
});

test('a verified domain configured as the issuer is refused by openid-client, with the error docs/relying-parties.md quotes', async () => {
  const refusal = await discover(`${idp.baseUrl}/northwind.example/v2.0`).then(() => undefined, (error: unknown) => error);
  expect(refusal).toMatchObject({
    name: 'ClientError',
    code: 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
    message: 'discovered metadata issuer does not match the expected issuer',
    cause: { expected: `${idp.baseUrl}/northwind.example/v2.0`, body: { issuer: `${idp.baseUrl}/northwind/v2.0` } },
  });
});
