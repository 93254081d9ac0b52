import * as oidc from 'openid-client';

import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { LoopbackRedirect } from '../support/loopback-redirect.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Native and command-line apps (RFC 8252), registered through the admin API with
 * `application_type: "native"`: a loopback redirect URI matches whatever port the app listens on
 * at run time (7.3), a private-use scheme in reverse domain name form gets the code (7.1). Web
 * apps keep exact matching.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
const ISSUER_PATH = '/tailspin/v2.0';
let issuer: string;
let cli: { client_id: string };
let mobile: { client_id: string };
let web: { client_id: string; client_secret: string };

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  issuer = `${idp.baseUrl}${ISSUER_PATH}`;
  expect((await idp.admin('POST', '/admin/tenants', { id: 'tailspin', displayName: 'Tailspin' })).status).toBe(201);
  const register = async (body: Record<string, unknown>) => {
    const created = await idp.admin('POST', '/admin/tenants/tailspin/clients', body);
    expect(created.status).toBe(201);
    return created.body;
  };
  cli = await register({
    client_name: 'Tailspin CLI', application_type: 'native',
    redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback'], post_logout_redirect_uris: ['http://127.0.0.1/signed-out'],
  });
  mobile = await register({ client_name: 'Tailspin mobile', application_type: 'native', redirect_uris: ['com.tailspin.app:/oauth2redirect'] });
  web = await register({ client_name: 'Tailspin dev site', redirect_uris: ['http://127.0.0.1:7777/callback'] });
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

/** The guest signs in by emailed code; returns the page whose Location is the app's redirect URI. */
async function signIn(guest: GuestAgent, rp: RelyingParty, email: string, extra: Record<string, string> = {}) {
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: email, ...extra }), rp.isCallback);
  expect(textOf(sendPage.html)).toContain('Get a code');
  const entering = await guest.submit(sendPage, '/send');
  const callback = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, rp.isCallback);
  expect(rp.isCallback(callback.location ?? '')).toBe(true);
  return callback.location!;
}

test('a native app registered through the admin API is public and says so', async () => {
  const shown = await idp.admin('GET', `/admin/tenants/tailspin/clients/${cli.client_id}`);
  expect(shown.body).toMatchObject({
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
  });
  expect(shown.body.client_secret).toBeUndefined();
});

test('a command-line app signs a guest in through a loopback port chosen at run time, with PKCE, and refreshes', async () => {
  const email = 'cli-user@partner.example';
  const invitation = await inviteGuest(idp, 'tailspin', email);
  const app = await LoopbackRedirect.listen('/callback');
  try {
    expect(app.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const rp = await RelyingParty.discover(issuer, cli, app.redirectUri);
    const guest = new GuestAgent();
    const location = await signIn(guest, rp, email, { scope: 'openid email offline_access' });

    // The browser follows the redirect to the app's own listener, which receives the response.
    const delivered = await guest.request(location);
    expect(delivered.status).toBe(200);
    const response = await app.response;
    expect(response.origin).toBe(new URL(app.redirectUri).origin);
    expect(response.searchParams.get('code')).toEqual(expect.any(String));

    const tokens = await rp.redeemCallback(response.href);
    expect(tokens.claims()).toMatchObject({ iss: issuer, aud: cli.client_id, sub: invitation.invitedUser.id, email, tid: 'tailspin' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
  } finally {
    await app.close();
  }
});

test('a native app must use PKCE, even one registered with a secret (RFC 8252 8.1)', async () => {
  const confidential = await idp.admin('POST', '/admin/tenants/tailspin/clients', {
    client_name: 'Tailspin desktop', application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'client_secret_basic',
  });
  expect(confidential.status).toBe(201);
  expect(confidential.body.client_secret).toEqual(expect.any(String));
  for (const client of [cli, confidential.body as { client_id: string }]) {
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.client_id, response_type: 'code', scope: 'openid', redirect_uri: 'http://127.0.0.1:4000/callback', state: 'x',
    }).toString();
    const answer = await new GuestAgent().request(url.href);
    const back = new URL(answer.location ?? 'about:blank');
    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:4000/callback');
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
  }
});

test('signing out returns to the app on a loopback port chosen at run time', async () => {
  const email = 'cli-signout@partner.example';
  await inviteGuest(idp, 'tailspin', email);
  const signedIn = await LoopbackRedirect.listen('/callback');
  const signedOut = await LoopbackRedirect.listen('/signed-out');
  try {
    const rp = await RelyingParty.discover(issuer, cli, signedIn.redirectUri);
    const guest = new GuestAgent();
    const tokens = await rp.redeemCallback(await signIn(guest, rp, email));

    const endSession = oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: signedOut.redirectUri, state: 'bye' });
    const confirm = await guest.follow(endSession.href);
    const done = await guest.submit(confirm, '/confirm', { logout: 'yes' }, (url) => url.startsWith(signedOut.redirectUri));
    expect(done.location).toBe(`${signedOut.redirectUri}?state=bye`);
    expect((await guest.request(done.location!)).status).toBe(200);
    expect((await signedOut.response).searchParams.get('state')).toBe('bye');
  } finally {
    await signedIn.close();
    await signedOut.close();
  }
});

test('a native app cannot sign in silently: prompt=none answers interaction_required even with a session', async () => {
  const email = 'silent@partner.example';
  await inviteGuest(idp, 'tailspin', email);
  const rp = await RelyingParty.discover(issuer, cli, 'http://127.0.0.1:4100/callback');
  const guest = new GuestAgent();
  await rp.redeemCallback(await signIn(guest, rp, email));
  const silent = await guest.follow(await rp.authorizationUrl({ prompt: 'none' }), rp.isCallback);
  const back = new URL(silent.location!);
  expect(back.searchParams.get('error')).toBe('interaction_required');
  // Without prompt=none the session signs the guest in, with no page of ours in between.
  const interactive = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  expect(new URL(interactive.location!).searchParams.get('code')).toEqual(expect.any(String));
});

test('an app with a private-use scheme gets the code on its scheme', async () => {
  const email = 'mobile-user@partner.example';
  const invitation = await inviteGuest(idp, 'tailspin', email);
  const rp = await RelyingParty.discover(issuer, mobile, 'com.tailspin.app:/oauth2redirect');
  const location = await signIn(new GuestAgent(), rp, email);
  expect(location).toMatch(/^com\.tailspin\.app:\/oauth2redirect\?code=/);
  const tokens = await rp.redeemCallback(location);
  expect(tokens.claims()).toMatchObject({ aud: mobile.client_id, sub: invitation.invitedUser.id });
});

test('a private-use scheme is no web origin: requests from the opaque origin "null" get no CORS', async () => {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: mobile.client_id, code: 'not-a-code', redirect_uri: 'com.tailspin.app:/oauth2redirect', code_verifier: 'v'.repeat(43) }),
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
});

describe('redirect URIs that do not match are refused at the authorization endpoint', () => {
  async function authorizationAnswer(client: { client_id: string; client_secret?: string }, redirectUri: string) {
    const rp = await RelyingParty.discover(issuer, client, redirectUri);
    return new GuestAgent().request(await rp.authorizationUrl());
  }

  test.each([
    ['a web app, its loopback URI with another port', () => web, 'http://127.0.0.1:7778/callback'],
    ['a web app, its loopback URI without the port', () => web, 'http://127.0.0.1/callback'],
    ['a native app, another path on loopback', () => cli, 'http://127.0.0.1:5555/other'],
    ['a native app, localhost instead of the registered 127.0.0.1', () => cli, 'http://localhost:5555/callback'],
    ['a native app, https on its loopback URI', () => cli, 'https://127.0.0.1:5555/callback'],
    ['a native app, another private-use scheme', () => mobile, 'com.tailspin.other:/oauth2redirect'],
  ])('%s', async (_case, client, redirectUri) => {
    const answer = await authorizationAnswer(client(), redirectUri);
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
    expect(textOf(answer.html)).toContain('isn’t set up correctly');
    expect(answer.html).toContain('Error: <code>invalid_redirect_uri</code>');
  });

  test('the web app still gets its exact loopback URI', async () => {
    const answer = await authorizationAnswer(web, 'http://127.0.0.1:7777/callback');
    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/\/interaction\//);
  });
});
