import { Ajv2020 } from 'ajv/dist/2020.js';

import { type AdminApiDependencies, adminRoutes } from '../../src/admin/admin-routes.ts';
import { createLogger } from '../../src/log.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { pngImage } from '../support/images.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.ts';

/**
 * `GET /admin/openapi.json`: a valid OpenAPI 3.1 document of every admin route there is, and what
 * the real admin API answers matches it, status by status and field by field.
 */

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const DOCUMENT_ID = 'urn:guest-idp:admin-openapi';

type Operation = { operationId?: string; parameters?: Array<{ in: string; name: string; required?: boolean }>; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Document = { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>>; components: any };

let idp: RunningIdp;
let upstream: UpstreamIdp;
let document: Document;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });

/** Every documented operation, as `METHOD /path/{param}`. */
function documentedOperations(): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) => HTTP_METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`));
}

/** The JSON pointer of one response's JSON schema inside the document. */
function schemaPointer(method: string, path: string, status: number): string {
  const escape = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');
  return `${DOCUMENT_ID}#/paths/${escape(path)}/${method}/responses/${status}/content/${escape('application/json')}/schema`;
}

/**
 * Calls the admin API at a documented path (parameters filled in) and checks the answer against
 * the document: its status is documented for that operation, and its body fits that status's schema.
 */
async function call(method: string, path: string, options: { params?: Record<string, string>; query?: string; body?: unknown; token?: string } = {}) {
  const url = path.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(options.params?.[name] ?? `missing-${name}`)) + (options.query ?? '');
  const response = await idp.admin(method.toUpperCase(), url, options.body, options.token);
  expectDocumented(method, path, response);
  return response;
}

function expectDocumented(method: string, path: string, response: { status: number; body: unknown }): void {
  const operation = document.paths[path]?.[method];
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  const documented = operation.responses?.[String(response.status)];
  if (!documented) throw new Error(`${method.toUpperCase()} ${path} answered ${response.status}, which the document does not list (${Object.keys(operation.responses ?? {}).join(', ')})`);
  if (response.body === undefined) {
    expect(documented.content).toBeUndefined();
    return;
  }
  const validate = ajv.getSchema(schemaPointer(method, path, response.status)) ?? ajv.compile({ $ref: schemaPointer(method, path, response.status) });
  const valid = validate(response.body);
  if (!valid) {
    throw new Error(`${method.toUpperCase()} ${path} ${response.status}: the body does not fit the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body, null, 2)}`);
  }
}

beforeAll(async () => {
  upstream = await startUpstreamIdp('Partner IdP');
  idp = await startIdp();
  const response = await fetch(`${idp.baseUrl}/admin/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  document = await response.json() as Document;
  ajv.addSchema(document as object, DOCUMENT_ID);
});

afterAll(async () => {
  await idp.close();
  await upstream.close();
});

describe('the document', () => {
  test('is OpenAPI 3.1: version, info, bearer security, and every operation has responses', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    expect(document.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(Object.keys(document.paths).length).toBeGreaterThan(10);
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\/admin\//);
      for (const method of HTTP_METHODS.filter((name) => item[name])) {
        const operation = item[method] as Operation;
        expect(Object.keys(operation.responses ?? {}).length).toBeGreaterThan(0);
        // Every {parameter} of the path is a required path parameter of the operation.
        const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
        expect(declared.map((parameter) => parameter.name).sort()).toEqual(pathParameters.sort());
        expect(declared.every((parameter) => parameter.required === true)).toBe(true);
        expect(operation.operationId).toEqual(expect.any(String));
        expect(operationIds.has(operation.operationId as string)).toBe(false);
        operationIds.add(operation.operationId as string);
      }
    }
  });

  test('every 4xx answer is the {error: {code, message}} shape', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of HTTP_METHODS.filter((name) => item[name])) {
        for (const [status, response] of Object.entries(item[method]?.responses ?? {})) {
          if (!status.startsWith('4')) continue;
          expect([`${method} ${path} ${status}`, response.content?.['application/json']?.schema])
            .toEqual([`${method} ${path} ${status}`, { $ref: '#/components/schemas/Error' }]);
        }
      }
    }
    const validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/Error` });
    expect(validate({ error: { code: 'NotFound', message: 'No such thing.' } })).toBe(true);
    expect(validate({ error: { message: 'No code.' } })).toBe(false);
  });

  test('documents exactly the routes the admin router has', () => {
    // The router as the app builds it: routes are registered when it is made, nothing is called.
    const router = adminRoutes({
      config: idp.config, log: createLogger('silent'), tenants: idp.tenants, clients: idp.clients, providers: idp.providers,
      invitations: idp.invitations, guests: idp.guests,
    } as AdminApiDependencies);
    const routed = router.stack
      // Middleware (router.use) has no methods; the catch-all 404 is no resource.
      .filter((layer) => layer.methods.length > 0 && !String(layer.path).includes('{*'))
      .flatMap((layer) => layer.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => `${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`));
    expect(routed.length).toBeGreaterThan(20);
    expect(documentedOperations().sort()).toEqual([...new Set(routed)].sort());
  });

  test('needs no token, and answers as it documents itself', () => {
    expectDocumented('get', '/admin/openapi.json', { status: 200, body: document });
  });
});

describe('real answers fit the document', () => {
  const tenant = { tenantId: 'openapi-contoso' };

  test('tenants and signing keys', async () => {
    expect((await call('post', '/admin/tenants', { body: { id: tenant.tenantId, displayName: 'Contoso', verifiedDomains: ['contoso.example'] } })).status).toBe(201);
    expect((await call('post', '/admin/tenants', { body: { id: tenant.tenantId, displayName: 'Contoso again' } })).status).toBe(409);
    expect((await call('post', '/admin/tenants', { body: { displayName: 'Bad', colour: 'blue' } })).status).toBe(400);
    expect((await call('post', '/admin/tenants', { body: { displayName: 'No token' }, token: 'wrong' })).status).toBe(401);
    expect((await call('get', '/admin/tenants')).body.value.map((item: { id: string }) => item.id)).toContain(tenant.tenantId);
    expect((await call('get', '/admin/tenants/{tenantId}', { params: tenant })).status).toBe(200);
    expect((await call('get', '/admin/tenants/{tenantId}', { params: { tenantId: 'no-such-tenant' } })).status).toBe(404);
    expect((await call('patch', '/admin/tenants/{tenantId}', { params: tenant, body: { displayName: 'Contoso Ltd', idTokenSigningAlgorithm: 'ES256' } })).body.displayName).toBe('Contoso Ltd');
    expect((await call('patch', '/admin/tenants/{tenantId}', { params: tenant, body: {} })).status).toBe(400);
    expect((await call('get', '/admin/tenants/{tenantId}/signingKeys', { params: tenant })).status).toBe(200);
    const rotated = await call('post', '/admin/tenants/{tenantId}/signingKeys/rotate', { params: tenant });
    // The retired key carries publishedUntil, the optional field.
    expect(rotated.body.value.map((key: { status: string }) => key.status)).toContain('retired');
  });

  test('clients, including a tenant admin client', async () => {
    const web = await call('post', '/admin/tenants/{tenantId}/clients', {
      params: tenant,
      body: { client_name: 'Web app', redirect_uris: ['https://app.example/cb'], backchannel_logout_uri: 'https://app.example/logout' },
    });
    expect(web.status).toBe(201);
    expect(web.body.client_secret).toEqual(expect.any(String));
    const native = await call('post', '/admin/tenants/{tenantId}/clients', {
      params: tenant, body: { client_name: 'CLI', application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'] },
    });
    expect(native.body.client_secret).toBeUndefined();
    const admin = await call('post', '/admin/tenants/{tenantId}/clients', {
      params: tenant, body: { client_name: 'Provisioning', grant_types: ['client_credentials'], roles: ['admin'] },
    });
    expect(admin.body.roles).toEqual(['admin']);
    expect((await call('post', '/admin/tenants/{tenantId}/clients', { params: tenant, body: { client_name: 'No redirect' } })).status).toBe(400);
    expect((await call('get', '/admin/tenants/{tenantId}/clients', { params: tenant })).body.value).toHaveLength(3);
    const clientParams = { ...tenant, clientId: native.body.client_id as string };
    expect((await call('get', '/admin/tenants/{tenantId}/clients/{clientId}', { params: clientParams })).body.client_name).toBe('CLI');
    expect((await call('delete', '/admin/tenants/{tenantId}/clients/{clientId}', { params: clientParams })).status).toBe(204);
    expect((await call('get', '/admin/tenants/{tenantId}/clients/{clientId}', { params: clientParams })).status).toBe(404);
  });

  test('invitations and users', async () => {
    const invited = await call('post', '/admin/tenants/{tenantId}/invitations', {
      params: tenant,
      body: { invitedUserEmailAddress: 'Guest@Partner.example', inviteRedirectUrl: 'https://app.example/', invitedUserDisplayName: 'A Guest' },
    });
    expect(invited.status).toBe(201);
    expect((await call('post', '/admin/tenants/{tenantId}/invitations', {
      params: tenant, body: { invitedUserEmailAddress: 'guest@partner.example', inviteRedirectUrl: 'javascript:alert(1)' },
    })).status).toBe(400);

    const member = await call('post', '/admin/tenants/{tenantId}/users', { params: tenant, body: { mail: 'alice@contoso.example', displayName: 'Alice' } });
    expect(member.status).toBe(201);
    expect((await call('post', '/admin/tenants/{tenantId}/users', { params: tenant, body: { mail: 'alice@contoso.example' } })).status).toBe(409);

    const all = await call('get', '/admin/tenants/{tenantId}/users', { params: tenant });
    expect(all.body.value.map((user: { userType: string }) => user.userType).sort()).toEqual(['Guest', 'Member']);
    const firstPage = await call('get', '/admin/tenants/{tenantId}/users', { params: tenant, query: '?$top=1' });
    expect(firstPage.body['@odata.nextLink']).toEqual(expect.any(String));
    expect((await call('get', '/admin/tenants/{tenantId}/users', { params: tenant, query: `?$filter=${encodeURIComponent("mail eq 'guest@partner.example'")}` })).body.value).toHaveLength(1);
    expect((await call('get', '/admin/tenants/{tenantId}/users', { params: tenant, query: `?$filter=${encodeURIComponent("city eq 'Paris'")}` })).status).toBe(400);

    const guestParams = { ...tenant, userId: invited.body.invitedUser.id as string };
    expect((await call('get', '/admin/tenants/{tenantId}/users/{userId}', { params: guestParams })).body.externalUserState).toBe('PendingAcceptance');
    expect((await call('patch', '/admin/tenants/{tenantId}/users/{userId}', { params: guestParams, body: { accountEnabled: false } })).body.accountEnabled).toBe(false);
    expect((await call('patch', '/admin/tenants/{tenantId}/users/{userId}', { params: guestParams, body: { roles: ['admin'] } })).status).toBe(400);
    const memberParams = { ...tenant, userId: member.body.id as string };
    expect((await call('patch', '/admin/tenants/{tenantId}/users/{userId}', { params: memberParams, body: { roles: ['admin'], displayName: 'Alice A.' } })).body.roles).toEqual(['admin']);
    expect((await call('delete', '/admin/tenants/{tenantId}/users/{userId}', { params: guestParams })).status).toBe(204);
    expect((await call('get', '/admin/tenants/{tenantId}/users/{userId}', { params: guestParams })).status).toBe(404);
  });

  test('policies', async () => {
    expect((await call('get', '/admin/tenants/{tenantId}/policies/emailOtp', { params: tenant })).body.state).toBe('default');
    expect((await call('patch', '/admin/tenants/{tenantId}/policies/emailOtp', { params: tenant, body: { state: 'disabled' } })).body.effectiveState).toBe('disabled');
    expect((await call('patch', '/admin/tenants/{tenantId}/policies/emailOtp', { params: tenant, body: { state: 'sometimes' } })).status).toBe(400);
    expect((await call('get', '/admin/tenants/{tenantId}/policies/invitationRedemption', { params: tenant })).status).toBe(200);
    expect((await call('patch', '/admin/tenants/{tenantId}/policies/invitationRedemption', {
      params: tenant, body: { fallbackIdentityProvider: 'emailOneTimePasscode' },
    })).body.fallbackIdentityProvider).toBe('emailOneTimePasscode');
  });

  test('identity providers', async () => {
    const provider = { ...tenant, id: 'partner' };
    const body = { type: 'oidc', issuer: upstream.issuer, clientId: 'contoso', clientSecret: 'the-upstream-client-secret', domains: ['partner.example'] };
    expect((await call('put', '/admin/tenants/{tenantId}/identityProviders/{id}', { params: provider, body })).status).toBe(201);
    expect((await call('put', '/admin/tenants/{tenantId}/identityProviders/{id}', { params: provider, body: { ...body, displayName: 'Partner' } })).status).toBe(200);
    expect((await call('put', '/admin/tenants/{tenantId}/identityProviders/{id}', { params: provider, body: { ...body, type: 'google', domains: undefined } })).status).toBe(409);
    expect((await call('get', '/admin/tenants/{tenantId}/identityProviders/{id}', { params: provider })).body.displayName).toBe('Partner');
    expect((await call('get', '/admin/tenants/{tenantId}/identityProviders', { params: tenant })).body.value).toHaveLength(1);
    expect((await call('delete', '/admin/tenants/{tenantId}/identityProviders/{id}', { params: provider })).status).toBe(204);
    expect((await call('get', '/admin/tenants/{tenantId}/identityProviders/{id}', { params: provider })).status).toBe(404);
  });

  test('branding and its square logo', async () => {
    expect((await call('get', '/admin/tenants/{tenantId}/branding', { params: tenant })).body.backgroundColor).toBeNull();
    expect((await call('patch', '/admin/tenants/{tenantId}/branding', {
      params: tenant, body: { backgroundColor: '#0a4c8b', signInPageText: 'Contoso partners', customTermsOfUseUrl: 'https://contoso.example/terms' },
    })).body.backgroundColor).toBe('#0A4C8B');
    expect((await call('patch', '/admin/tenants/{tenantId}/branding', { params: tenant, body: { backgroundColor: 'blue' } })).status).toBe(400);

    const upload = await fetch(`${idp.baseUrl}/admin/tenants/${tenant.tenantId}/branding/squareLogo`, {
      method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'image/png' }, body: pngImage(64, 64),
    });
    const uploaded = { status: upload.status, body: await upload.json() as { squareLogoUrl: unknown } };
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.squareLogoUrl).toEqual(expect.any(String));
    expectDocumented('put', '/admin/tenants/{tenantId}/branding/squareLogo', uploaded);
    const refused = await fetch(`${idp.baseUrl}/admin/tenants/${tenant.tenantId}/branding/squareLogo`, {
      method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'image/png' }, body: 'not an image',
    });
    expectDocumented('put', '/admin/tenants/{tenantId}/branding/squareLogo', { status: refused.status, body: await refused.json() });
    expect(refused.status).toBe(400);

    expect((await call('delete', '/admin/tenants/{tenantId}/branding/squareLogo', { params: tenant })).status).toBe(204);
    expect((await call('delete', '/admin/tenants/{tenantId}/branding/squareLogo', { params: tenant })).status).toBe(404);
  });

  test('a body that is not JSON, and the tenant deleted', async () => {
    const notJson = await fetch(`${idp.baseUrl}/admin/tenants/${tenant.tenantId}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'text/plain' }, body: 'displayName=x',
    });
    expectDocumented('patch', '/admin/tenants/{tenantId}', { status: notJson.status, body: await notJson.json() });
    expect(notJson.status).toBe(415);
    expect((await call('delete', '/admin/tenants/{tenantId}', { params: tenant })).status).toBe(204);
    expect((await call('get', '/admin/tenants/{tenantId}/branding', { params: tenant })).status).toBe(404);
  });

  test('a mismatch is caught: a body with an undocumented field fails', () => {
    const user = {
      id: 'u', mail: 'a@b.example', displayName: null, userType: 'Guest', externalUserState: 'Accepted', externalUserStateChangeDateTime: null,
      source: 'EmailOTP', createdDateTime: '2026-01-01T00:00:00.000Z', lastSignInDateTime: null, accountEnabled: true,
    };
    expect(() => expectDocumented('get', '/admin/tenants/{tenantId}/users/{userId}', { status: 200, body: user })).not.toThrow();
    expect(() => expectDocumented('get', '/admin/tenants/{tenantId}/users/{userId}', { status: 200, body: { ...user, password: 'x' } })).toThrow(/does not fit/);
    expect(() => expectDocumented('get', '/admin/tenants/{tenantId}/users/{userId}', { status: 418, body: user })).toThrow(/does not list/);
  });
});
