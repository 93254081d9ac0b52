import { createHash } from 'node:crypto';

import * as oidc from 'openid-client';

import { PAGE_CONTENT_SECURITY_POLICY } from '../../src/web/pages.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { GIF_IMAGE, jpegImage, pngImage, SVG_IMAGE } from '../support/images.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';

/**
 * `/admin/tenants/{t}/branding` and its squareLogo: Graph's organizationalBranding subset, checked
 * strictly, and a logo checked by its bytes, served from the tenant's own path with caching headers.
 */

let idp: RunningIdp;

const patch = (body: unknown, tenant = 'contoso', token?: string) => idp.admin('PATCH', `/admin/tenants/${tenant}/branding`, body, token);

/** PUTs raw bytes, as an admin tool uploading a file would. */
async function putLogo(bytes: Uint8Array, contentType = 'image/png', tenant = 'contoso', token = TEST_ADMIN_TOKEN) {
  const response = await fetch(`${idp.baseUrl}/admin/tenants/${tenant}/branding/squareLogo`, {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: bytes,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function expectRefusedWithoutWrites(status: number, request: () => Promise<{ status: number; body: any }>, message: RegExp) {
  const before = await snapshotNamespace(idp.namespace);
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.body.error.message).toMatch(message);
  expect(await snapshotNamespace(idp.namespace)).toEqual(before);
}

/**
 * How a browser revalidates what it cached. Said explicitly: fetch() would otherwise add
 * `Cache-Control: no-cache` to a request with If-None-Match, which demands a full answer.
 */
const revalidation = (etag: string) => ({ 'if-none-match': etag, 'cache-control': 'max-age=0' });

const NO_BRANDING = {
  backgroundColor: null, signInPageText: null, usernameHintText: null,
  customPrivacyAndCookiesUrl: null, customTermsOfUseUrl: null, squareLogoUrl: null,
};

beforeAll(async () => {
  idp = await startIdp();
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso', verifiedDomains: ['contoso.example'] })).status).toBe(201);
  expect((await idp.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam' })).status).toBe(201);
});

afterAll(async () => {
  await idp.close();
});

afterEach(async () => {
  await patch({ backgroundColor: null, signInPageText: null, usernameHintText: null, customPrivacyAndCookiesUrl: null, customTermsOfUseUrl: null });
  await idp.admin('DELETE', '/admin/tenants/contoso/branding/squareLogo');
});

test('a tenant without branding shows every field as null', async () => {
  expect(await idp.admin('GET', '/admin/tenants/fabrikam/branding')).toEqual({ status: 200, body: NO_BRANDING });
});

test('PATCH sets the fields given, keeps the others, and null clears one', async () => {
  const set = await patch({
    backgroundColor: '#0a4c8b',
    signInPageText: 'Questions? Call the Contoso help desk on +1 555 0100.',
    usernameHintText: 'name@partner.example',
    customPrivacyAndCookiesUrl: 'https://contoso.example/privacy',
    customTermsOfUseUrl: 'http://localhost:8080/terms',
  });
  expect(set.status).toBe(200);
  const expected = {
    ...NO_BRANDING,
    backgroundColor: '#0A4C8B',
    signInPageText: 'Questions? Call the Contoso help desk on +1 555 0100.',
    usernameHintText: 'name@partner.example',
    customPrivacyAndCookiesUrl: 'https://contoso.example/privacy',
    customTermsOfUseUrl: 'http://localhost:8080/terms',
  };
  expect(set.body).toEqual(expected);
  expect((await idp.admin('GET', '/admin/tenants/contoso/branding')).body).toEqual(expected);

  const changed = await patch({ usernameHintText: '  someone@fabrikam.example  ', customTermsOfUseUrl: null });
  expect(changed.body).toEqual({ ...expected, usernameHintText: 'someone@fabrikam.example', customTermsOfUseUrl: null });
  expect((await idp.admin('GET', '/admin/tenants/contoso/branding')).body).toEqual(changed.body);
  // Another tenant's branding is untouched.
  expect((await idp.admin('GET', '/admin/tenants/fabrikam/branding')).body).toEqual(NO_BRANDING);
});

describe('refused PATCHes name the field and write nothing', () => {
  beforeAll(async () => {
    // Something stored already, so "nothing written" also means "nothing cleared".
    expect((await patch({ backgroundColor: '#112233', signInPageText: 'Welcome' })).status).toBe(200);
  });

  test.each([
    ['a colour name', { backgroundColor: 'red' }, /backgroundColor: must be a colour in the form #RRGGBB/],
    ['a short #RGB colour', { backgroundColor: '#fff' }, /backgroundColor: must be a colour in the form #RRGGBB/],
    ['CSS smuggled into the colour', { backgroundColor: '#000000;background:url(x)' }, /backgroundColor:/],
    ['sign-in text over 1024 characters', { signInPageText: 'x'.repeat(1025) }, /signInPageText: must be at most 1024 characters/],
    ['sign-in text with a line break', { signInPageText: 'Call us\r\nBcc: x' }, /signInPageText: must not contain control.*U\+000D/],
    ['sign-in text with a bidi override', { signInPageText: 'Contoso \u202Egnp.exe' }, /signInPageText: must not contain.*U\+202E/],
    ['a hint over 64 characters', { usernameHintText: 'x'.repeat(65) }, /usernameHintText: must be at most 64 characters/],
    ['a hint with a zero-width space', { usernameHintText: 'name\u200B@example' }, /usernameHintText: must not contain.*U\+200B/],
    ['an empty hint', { usernameHintText: '   ' }, /usernameHintText: must not be empty \(null clears it\)/],
    ['a javascript: privacy link', { customPrivacyAndCookiesUrl: 'javascript:alert(1)' }, /customPrivacyAndCookiesUrl: must be an https URL/],
    ['a data: terms link', { customTermsOfUseUrl: 'data:text/html,<script>alert(1)</script>' }, /customTermsOfUseUrl: must be an https URL/],
    ['an http link off localhost', { customTermsOfUseUrl: 'http://contoso.example/terms' }, /customTermsOfUseUrl: must be an https URL \(http only for localhost\)/],
    ['a link with a password', { customPrivacyAndCookiesUrl: 'https://user:secret@contoso.example/' }, /customPrivacyAndCookiesUrl: must be an https URL/],
    ['an unknown field', { bannerLogo: 'x' }, /unknown field bannerLogo/],
    ['a valid field next to a bad one', { backgroundColor: '#FFFFFF', signInPageText: 42 }, /signInPageText:/],
    ['an empty body', {}, /give at least one of backgroundColor/],
  ])('%s', async (_name, body, message) => {
    await expectRefusedWithoutWrites(400, () => patch(body), message);
  });
});

describe('the square logo', () => {
  test('a real PNG is stored and served from the tenant path and its verified domain, with caching headers', async () => {
    const png = pngImage(240, 240);
    // The declared type does not matter: the bytes decide (here a PNG declared as JSON).
    const uploaded = await putLogo(png, 'application/json');
    expect(uploaded.status).toBe(200);
    const hash = createHash('sha256').update(png).digest('base64url');
    const logoUrl = `${idp.baseUrl}/contoso/v2.0/branding/squareLogo?v=${hash.slice(0, 16)}`;
    expect(uploaded.body).toEqual({ ...NO_BRANDING, squareLogoUrl: logoUrl });
    expect((await idp.admin('GET', '/admin/tenants/contoso/branding')).body.squareLogoUrl).toBe(logoUrl);

    for (const url of [logoUrl, `${idp.baseUrl}/contoso.example/v2.0/branding/squareLogo`]) {
      const served = await fetch(url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(served.headers.get('etag')).toBe(`"${hash}"`);
      // The pages' CSP is unchanged: same origin, so img-src 'self' admits the logo.
      expect(served.headers.get('content-security-policy')).toBe(PAGE_CONTENT_SECURITY_POLICY);
      expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    }

    const revalidated = await fetch(logoUrl, { headers: revalidation(`"${hash}"`) });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(`"${hash}"`);
    expect((await revalidated.arrayBuffer()).byteLength).toBe(0);
    expect((await fetch(logoUrl, { headers: revalidation('"an-older-logo"') })).status).toBe(200);
  });

  test('a real JPEG replaces it, whatever content type it is sent with', async () => {
    expect((await putLogo(pngImage(16, 16))).status).toBe(200);
    const jpeg = jpegImage();
    const uploaded = await putLogo(jpeg, 'application/octet-stream');
    expect(uploaded.status).toBe(200);
    const served = await fetch(uploaded.body.squareLogoUrl);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer()).equals(jpeg)).toBe(true);
  });

  test('DELETE removes it; then the served logo and a second DELETE are 404', async () => {
    expect((await putLogo(pngImage(8, 8))).status).toBe(200);
    expect((await idp.admin('DELETE', '/admin/tenants/contoso/branding/squareLogo')).status).toBe(204);
    expect((await idp.admin('GET', '/admin/tenants/contoso/branding')).body.squareLogoUrl).toBeNull();
    expect((await fetch(`${idp.baseUrl}/contoso/v2.0/branding/squareLogo`)).status).toBe(404);
    expect((await idp.admin('DELETE', '/admin/tenants/contoso/branding/squareLogo')).status).toBe(404);
    const snapshot = await snapshotNamespace(idp.namespace);
    expect(snapshot[idp.keys.brandingSquareLogo('contoso')]).toBeUndefined();
  });

  test('PATCHing the text fields keeps the logo', async () => {
    const url = (await putLogo(pngImage(8, 8))).body.squareLogoUrl;
    expect((await patch({ signInPageText: 'Hello' })).body.squareLogoUrl).toBe(url);
  });

  describe('refused uploads write nothing and say what is accepted', () => {
    beforeAll(async () => {
      expect((await putLogo(pngImage(8, 8))).status).toBe(200);
    });

    const png = pngImage(3, 2);
    test.each([
      ['a GIF', GIF_IMAGE, 'image/gif', 400, /GIF format\. Send a PNG or JPEG image of at most 1024x1024 pixels/],
      ['an SVG (with a script), even declared as PNG', SVG_IMAGE, 'image/png', 400, /SVG format\. Send a PNG or JPEG image/],
      ['a PNG header in front of garbage', Buffer.concat([png.subarray(0, 33), Buffer.alloc(200, 0x41)]), 'image/png', 400, /PNG image is truncated or damaged\. Send a PNG or JPEG/],
      ['a truncated JPEG', jpegImage().subarray(0, 100), 'image/jpeg', 400, /JPEG image is truncated or damaged/],
      ['a PNG larger than 1024x1024', pngImage(1025, 16), 'image/png', 400, /1025x16 pixels\. Send a PNG or JPEG image of at most 1024x1024/],
      ['an empty body', Buffer.alloc(0), 'image/png', 400, /The body is empty/],
      ['100 KiB and one byte', Buffer.concat([pngImage(8, 8), Buffer.alloc(100 * 1024 + 1 - pngImage(8, 8).length)]), 'image/png', 413, /larger than 100 KiB/],
    ])('%s', async (_name, bytes, contentType, status, message) => {
      await expectRefusedWithoutWrites(status, () => putLogo(bytes, contentType), message);
    });

    test('100 KiB and one byte sent chunked, without a Content-Length, is 413 too', async () => {
      const bytes = Buffer.alloc(100 * 1024 + 1, 0x41);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 8 * 1024) controller.enqueue(bytes.subarray(offset, offset + 8 * 1024));
          controller.close();
        },
      });
      await expectRefusedWithoutWrites(413, async () => {
        const response = await fetch(`${idp.baseUrl}/admin/tenants/contoso/branding/squareLogo`, {
          method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body, duplex: 'half',
        } as RequestInit);
        return { status: response.status, body: await response.json() };
      }, /larger than 100 KiB/);
    });
  });

  test('a tenant without a logo, and an unknown tenant, answer 404', async () => {
    expect((await fetch(`${idp.baseUrl}/fabrikam/v2.0/branding/squareLogo`)).status).toBe(404);
    expect((await fetch(`${idp.baseUrl}/nobody/v2.0/branding/squareLogo`)).status).toBe(404);
  });
});

test('the colour stylesheet carries the background colour, same origin, with caching headers', async () => {
  await patch({ backgroundColor: '#FFD700' });
  const served = await fetch(`${idp.baseUrl}/contoso.example/v2.0/branding/style.css`);
  expect(served.status).toBe(200);
  expect(served.headers.get('content-type')).toBe('text/css; charset=utf-8');
  expect(await served.text()).toBe(':root {\n  --brand-background: #FFD700;\n  --brand-text-on-background: #000000;\n}\n');
  const etag = served.headers.get('etag') as string;
  expect((await fetch(`${idp.baseUrl}/contoso/v2.0/branding/style.css`, { headers: revalidation(etag) })).status).toBe(304);
  await patch({ backgroundColor: null });
  expect(await (await fetch(`${idp.baseUrl}/contoso/v2.0/branding/style.css`)).text()).not.toContain('--brand-background');
});

describe('tenant administrators', () => {
  async function tenantAdminToken(tenantId: string): Promise<string> {
    const created = await idp.admin('POST', `/admin/tenants/${tenantId}/clients`, { client_name: `${tenantId} branding`, grant_types: ['client_credentials'], roles: ['admin'] });
    expect(created.status).toBe(201);
    const config = await oidc.discovery(new URL(`${idp.baseUrl}/${tenantId}/v2.0`), created.body.client_id, created.body.client_secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    return (await oidc.clientCredentialsGrant(config)).access_token;
  }

  test("manage their own tenant's branding, and get 403 on another's", async () => {
    const token = await tenantAdminToken('contoso');
    expect((await patch({ signInPageText: 'Set by the tenant admin' }, 'contoso', token)).status).toBe(200);
    expect((await idp.admin('GET', '/admin/tenants/contoso/branding', undefined, token)).body.signInPageText).toBe('Set by the tenant admin');
    expect((await putLogo(pngImage(8, 8), 'image/png', 'contoso', token)).status).toBe(200);
    expect((await idp.admin('DELETE', '/admin/tenants/contoso/branding/squareLogo', undefined, token)).status).toBe(204);

    const before = await snapshotNamespace(idp.namespace);
    expect((await idp.admin('GET', '/admin/tenants/fabrikam/branding', undefined, token)).status).toBe(403);
    expect((await patch({ signInPageText: 'Not yours' }, 'fabrikam', token)).status).toBe(403);
    expect((await putLogo(pngImage(8, 8), 'image/png', 'fabrikam', token)).status).toBe(403);
    expect((await idp.admin('DELETE', '/admin/tenants/fabrikam/branding/squareLogo', undefined, token)).status).toBe(403);
    expect(await snapshotNamespace(idp.namespace)).toEqual(before);
  });
});

test('deleting the tenant removes its branding and logo, and a new tenant of the same id starts unbranded', async () => {
  expect((await idp.admin('POST', '/admin/tenants', { id: 'short-lived', displayName: 'Short-lived' })).status).toBe(201);
  expect((await patch({ backgroundColor: '#123456' }, 'short-lived')).status).toBe(200);
  expect((await putLogo(pngImage(8, 8), 'image/png', 'short-lived')).status).toBe(200);
  const stored = await snapshotNamespace(idp.namespace);
  expect(stored[idp.keys.branding('short-lived')]).toEqual(expect.any(String));
  expect(stored[idp.keys.brandingSquareLogo('short-lived')]).toEqual(expect.any(String));

  expect((await idp.admin('DELETE', '/admin/tenants/short-lived')).status).toBe(204);
  const after = await snapshotNamespace(idp.namespace);
  expect(after[idp.keys.branding('short-lived')]).toBeUndefined();
  expect(after[idp.keys.brandingSquareLogo('short-lived')]).toBeUndefined();

  expect((await idp.admin('POST', '/admin/tenants', { id: 'short-lived', displayName: 'Short-lived again' })).status).toBe(201);
  expect((await idp.admin('GET', '/admin/tenants/short-lived/branding')).body).toEqual(NO_BRANDING);
  expect((await fetch(`${idp.baseUrl}/short-lived/v2.0/branding/squareLogo`)).status).toBe(404);
});
