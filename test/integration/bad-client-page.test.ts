import { textOf } from '../support/guest-agent.ts';
import { rawRequest } from '../support/http.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * An app that sends a guest with a request we must refuse (an unknown client_id, a redirect_uri
 * that is not registered, a malformed request): the guest reads what happened in their words and
 * what to do, with the request id to quote; the OAuth error code stays for the app's developers.
 * oidc-provider's JSON answers to programs are left as they are.
 */

let idp: RunningIdp;
let clientId: string;
const html = { accept: 'text/html,application/xhtml+xml' };

beforeAll(async () => {
  idp = await startIdp();
  expect((await idp.admin('POST', '/admin/tenants', { id: 'adatum', displayName: 'Adatum Corporation' })).status).toBe(201);
  const app = await idp.admin('POST', '/admin/tenants/adatum/clients', { client_name: 'Expenses', redirect_uris: ['https://expenses.example/callback'] });
  clientId = app.body.client_id;
});
afterAll(() => idp.close());

function authorize(params: Record<string, string>) {
  const query = new URLSearchParams({ response_type: 'code', scope: 'openid', ...params });
  return rawRequest(`${idp.baseUrl}/adatum/v2.0/auth?${query}`, { headers: html });
}

test.each([
  ['an unknown client_id', 'invalid_client', () => ({ client_id: 'nobody', redirect_uri: 'https://expenses.example/callback' })],
  ['a redirect_uri that is not registered', 'invalid_redirect_uri', () => ({ client_id: clientId, redirect_uri: 'https://evil.example/callback' })],
  ['a request without client_id', 'invalid_request', () => ({ redirect_uri: 'https://expenses.example/callback' })],
])('%s: the guest is told the app is not set up correctly, with the request id and the error code', async (_case, errorCode, params) => {
  const response = await authorize(params());
  expect(response.status).toBe(400);
  expect(response.headers.location).toBeUndefined();
  const text = textOf(response.body);
  expect(text).toContain('The app that sent you here isn’t set up correctly for Adatum Corporation.');
  expect(text).toContain('Tell the app’s support team; quote the reference below.');
  expect(response.body).toContain(`<p class="reference">Reference: <code>${response.headers['x-request-id']}</code></p>`);
  expect(response.body).toContain(`<p class="technical-detail">Error: <code>${errorCode}</code></p>`);
  // oidc-provider's own wording is for developers, not on the guest's page.
  expect(text).not.toMatch(/client is invalid|redirect_uri did not match|missing required parameter/);
});

test('an authorization resumed after its cookie is gone is an expired sign-in, not the app\'s fault', async () => {
  const response = await rawRequest(`${idp.baseUrl}/adatum/v2.0/auth/no-such-interaction`, { headers: html });
  expect(response.status).toBe(400);
  expect(textOf(response.body)).toContain('This sign-in has expired');
});

test('programs still get oidc-provider\'s JSON errors', async () => {
  const token = await fetch(`${idp.baseUrl}/adatum/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }),
  });
  expect(token.status).toBe(401);
  expect(await token.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
});
