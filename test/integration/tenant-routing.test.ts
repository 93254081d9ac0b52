import { rawRequest } from '../support/http.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';

/** What a caller sees for URLs that name no tenant, or a tenant that does not exist. */

let idp: RunningIdp;
const html = { accept: 'text/html,application/xhtml+xml' };

beforeAll(async () => {
  idp = await startIdp();
  expect((await idp.admin('POST', '/admin/tenants', { id: 'tailspin', displayName: 'Tailspin Toys', verifiedDomains: ['tailspin.example'] })).status).toBe(201);
});
afterAll(() => idp.close());

describe('unknown tenant', () => {
  test('an API caller gets 404 with an OAuth-style invalid_tenant error', async () => {
    for (const path of ['/nobody/v2.0/.well-known/openid-configuration', '/nobody.example/v2.0/token', '/.well-known/oauth-authorization-server/nobody/v2.0']) {
      const response = await rawRequest(`${idp.baseUrl}${path}`);
      expect(response.status).toBe(404);
      expect(JSON.parse(response.body)).toEqual({ error: 'invalid_tenant', error_description: expect.stringContaining('not found') });
    }
  });

  test('a browser gets a 404 page saying the organization was not found', async () => {
    const response = await rawRequest(`${idp.baseUrl}/nobody/v2.0/auth?client_id=x`, { headers: html });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('We could not find that organization');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  test('a malformed tenant segment is an unknown tenant, not a crash', async () => {
    const response = await rawRequest(`${idp.baseUrl}/%E0%A4%A/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
  });
});

describe('no tenant in the URL', () => {
  // `/` itself is covered in development-mode.test.ts: in development it leads to the demo.
  test.each(['/common/v2.0/auth', '/organizations/v2.0/.well-known/openid-configuration', '/consumers/oauth2/v2.0/token', '/auth', '/.well-known/openid-configuration'])(
    '%s says a tenant-specific link is needed',
    async (path) => {
      const response = await rawRequest(`${idp.baseUrl}${path}`);
      expect(response.status).toBe(400);
      const body = JSON.parse(response.body);
      expect(body.error).toBe('invalid_request');
      expect(body.error_description).toMatch(/tenant-specific/);
    },
  );

  test('a browser at /common gets a page that can take it to the organization', async () => {
    const response = await rawRequest(`${idp.baseUrl}/common/v2.0/auth?client_id=abc&scope=openid`, { headers: html });
    expect(response.status).toBe(400);
    expect(response.body).toContain('Use your organization’s sign-in link');
    expect(response.body).toContain('name="organization"');
    expect(response.body).toContain('value="/common/v2.0/auth?client_id=abc&amp;scope=openid"');
  });

  test('"sign in to an organization" sends the same request to that tenant, found by domain', async () => {
    const query = new URLSearchParams({ organization: 'Tailspin.example', path: '/common/v2.0/auth?client_id=abc&scope=openid' });
    const response = await rawRequest(`${idp.baseUrl}/sign-in-to-organization?${query}`, { headers: html });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/tailspin/v2.0/auth?client_id=abc&scope=openid');
  });

  test.each(['/common', '/organizations', '/consumers/'])(
    'from %s, with nothing to continue, a known domain or tenant id leads to the tenant\'s own address',
    async (tenantless) => {
      const page = await rawRequest(`${idp.baseUrl}${tenantless}`, { headers: html });
      const path = /name="path" value="([^"]*)"/.exec(page.body)?.[1];
      for (const organization of ['tailspin.example', 'TAILSPIN']) {
        const query = new URLSearchParams({ organization, path: path! });
        const response = await rawRequest(`${idp.baseUrl}/sign-in-to-organization?${query}`, { headers: html });
        expect(response.status).toBe(303);
        expect(response.headers.location).toBe('/tailspin/v2.0');
      }
      const start = await rawRequest(`${idp.baseUrl}/tailspin/v2.0`, { headers: html });
      expect(start.status).toBe(200);
      expect(start.body).toContain('<h1 id="page-title">Sign in to Tailspin Toys</h1>');
      expect(start.body).toContain('open the app, and it brings you here');
    },
  );

  test('the tenant\'s own address stays oidc-provider\'s for programs', async () => {
    const response = await rawRequest(`${idp.baseUrl}/tailspin/v2.0`);
    expect(response.status).toBe(404);
  });

  test('"sign in to an organization" never redirects anywhere but a tenant path', async () => {
    for (const path of ['//evil.example/x', 'https://evil.example/', '/tailspin/../../evil', '/admin/tenants', '/common/v2.0/../../admin/tenants', '/common/v2.0/%2e%2e/%2e%2e/admin/tenants', '/common//evil.example/x', '/common/v2.0\\..\\..\\admin']) {
      const query = new URLSearchParams({ organization: 'tailspin', path });
      const response = await rawRequest(`${idp.baseUrl}/sign-in-to-organization?${query}`, { headers: html });
      expect(response.status).toBe(303);
      const location = new URL(response.headers.location as string, idp.baseUrl);
      expect(location.origin).toBe(idp.baseUrl);
      expect(location.pathname).toMatch(/^\/tailspin\/v2\.0(\/|$)/);
    }
  });

  test('an organization that does not exist is said so on the page, the field marked invalid', async () => {
    const query = new URLSearchParams({ organization: 'nowhere.example', path: '/common/v2.0/auth' });
    const response = await rawRequest(`${idp.baseUrl}/sign-in-to-organization?${query}`, { headers: html });
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toContain('<p class="message message-error" id="message" role="alert">We could not find an organization called “nowhere.example”');
    expect(response.body).toMatch(/<input id="organization"[^>]*value="nowhere\.example"[^>]*autofocus aria-invalid="true" aria-describedby="message">/);
    expect(response.body).toContain('value="/common/v2.0/auth"');
  });

  test('an empty organization asks for one', async () => {
    const response = await rawRequest(`${idp.baseUrl}/sign-in-to-organization?organization=+&path=`, { headers: html });
    expect(response.status).toBe(400);
    expect(response.body).toContain('Enter the organization’s domain, like contoso.com.');
    expect(response.body).toContain('aria-invalid="true"');
  });
});

describe('operations endpoints', () => {
  test('healthz and readyz answer JSON', async () => {
    expect(await fetch(`${idp.baseUrl}/healthz`).then((r) => r.json())).toEqual({ status: 'ok' });
    expect(await fetch(`${idp.baseUrl}/readyz`).then((r) => r.json())).toEqual({ status: 'ok', store: 'redis' });
  });

  test('metrics are Prometheus text and need the admin token', async () => {
    expect((await fetch(`${idp.baseUrl}/metrics`)).status).toBe(401);
    const response = await fetch(`${idp.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^guest_idp_http_requests_total\{area="oidc",method="GET",status="4xx"\} \d+$/m);
  });
});
