import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';

import { type ApacheRp, startApacheRp } from '../support/apache-rp.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { type DemoApp, startDemoApp } from '../support/demo-app.ts';
import { capturedLog, type RunningIdp, startIdp } from '../support/idp.ts';
import { freePort } from '../support/redis-server.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * A relying party nobody here wrote: Apache httpd with mod_auth_openidc 2.4.12 (Debian's packages),
 * configured as an operator would (test/support/apache-rp.ts), in front of an app that sees only
 * what the module passes on. A guest signs in by emailed code in headless Chromium, the app sees
 * the claims, the module refreshes the tokens, and the module's logout ends both sessions. When the
 * guest signs out of another app of the tenant instead, the module learns of it only through
 * back-channel logout, if its client registered it. Screenshots land in test/e2e/screenshots/apache-*.png.
 */

const GUEST = 'megan.bowen@fabrikam.example';

let smtp: SmtpListener;
let idp: RunningIdp;
let idpLog: ReturnType<typeof capturedLog>;
let wiki: DemoApp;
let browser: Browser;
let issuer: string;
let guestId: string;
/** The Apache of the running test, stopped after it. */
let runningApache: ApacheRp | undefined;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idpLog = capturedLog();
  idp = await startIdp({ env: { SMTP_URL: smtp.url }, log: idpLog.log });
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  issuer = `${idp.baseUrl}/contoso/v2.0`;
  const invitation = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
    invitedUserEmailAddress: GUEST, invitedUserDisplayName: 'Megan Bowen', inviteRedirectUrl: 'http://localhost/',
  });
  expect(invitation.status).toBe(201);
  guestId = invitation.body.invitedUser.id;
  // Another app of the tenant, written with openid-client, that the guest may sign out of.
  const wikiPort = await freePort();
  const wikiClient = await idp.admin('POST', '/admin/tenants/contoso/clients', {
    client_name: 'Contoso Wiki', redirect_uris: [`http://localhost:${wikiPort}/callback`],
  });
  expect(wikiClient.status).toBe(201);
  wiki = await startDemoApp(issuer, wikiClient.body, wikiPort);
  browser = await launchChromium();
});

afterEach(async () => {
  await runningApache?.close();
  runningApache = undefined;
});

afterAll(async () => {
  await browser?.close();
  await wiki?.close();
  await idp?.close();
  await smtp?.close();
});

interface ApacheClient {
  apache: ApacheRp;
  client: { client_id: string; client_secret: string };
}

/**
 * Starts Apache for a client registered as an operator would for mod_auth_openidc: its redirect
 * URI, post-logout page, the refresh grant, and with `backchannel` its back-channel logout URI with
 * `sid` (the module keys its sessions by the ID token's sid, or sub without one).
 */
async function startApache(name: string, clientName: string, backchannel: boolean): Promise<ApacheClient> {
  let client: { client_id: string; client_secret: string } | undefined;
  const apache = await startApacheRp({
    issuer,
    name,
    async register({ redirectUri, postLogoutRedirectUri, backchannelLogoutUri }) {
      const registered = await idp.admin('POST', '/admin/tenants/contoso/clients', {
        client_name: clientName,
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutRedirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        ...(backchannel ? { backchannel_logout_uri: backchannelLogoutUri, backchannel_logout_session_required: true } : {}),
      });
      expect(registered.status).toBe(201);
      client = registered.body;
      return registered.body;
    },
  });
  runningApache = apache;
  return { apache, client: client! };
}

/**
 * The guest opens the protected page and signs in by emailed code; ends on the protected page.
 * Screenshots of the three pages under the given names.
 */
async function signInThroughApache(page: Page, apache: ApacheRp, clientName: string, shots: [string, string, string]) {
  // The protected page sends the browser to the tenant's sign-in page.
  await page.goto(apache.protectedUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(page.url().startsWith(`${issuer}/interaction/`)).toBe(true);
  expect(await page.locator('.lead').textContent()).toContain(clientName);
  await screenshot(page, shots[0]);

  await page.getByLabel('Email address').fill(GUEST);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo(GUEST)));
  await screenshot(page, shots[1]);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back on the protected page: the claims as the app behind the module sees them.
  await page.waitForURL(apache.protectedUrl);
  await page.getByRole('heading', { name: 'Signed in with Apache' }).waitFor();
  await screenshot(page, shots[2]);
}

/** What the app behind Apache shows on its protected page. */
async function appView(page: Page) {
  const cells = await page.locator('[data-claim]').evaluateAll((elements) => elements.map((element) => [element.getAttribute('data-claim'), element.textContent]));
  return {
    claims: Object.fromEntries(cells) as Record<string, string>,
    accessToken: await page.locator('#access-token').textContent(),
    refreshToken: await page.locator('#refresh-token').textContent(),
    refreshError: await page.locator('#refresh-error').count() > 0 ? await page.locator('#refresh-error').textContent() : undefined,
  };
}

/** The tokens the module last passed to the app. */
function lastTokens(apache: ApacheRp): { accessToken: string; refreshToken: string } {
  const request = apache.seen.findLast((seen) => seen.path.startsWith('/protected/'));
  return { accessToken: request?.oidc.oidc_access_token ?? '', refreshToken: request?.oidc.oidc_refresh_token ?? '' };
}

/** Whether guest-idp still honours a token of the client (RFC 7662 introspection, with the client's own credentials). */
async function isActive(client: { client_id: string; client_secret: string }, token: string): Promise<boolean> {
  const config = await oidc.discovery(new URL(issuer), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
  return (await oidc.tokenIntrospection(config, token)).active;
}

/**
 * The guest, signed in to the Apache app, opens the Wiki in the same browser (single sign-on: no
 * code), and signs out there; on guest-idp's page, *Sign out* ends the session with the tenant.
 * The Apache app had no part in it.
 */
async function signOutOfTheWiki(page: Page, shots: [string, string, string]) {
  await page.goto(`${wiki.origin}/login`);
  await page.waitForURL((url) => url.href.startsWith(wiki.redirectUri));
  await page.getByRole('heading', { name: 'Signed in to the app' }).waitFor();
  expect(await page.locator('#who').textContent()).toBe(GUEST);
  await screenshot(page, shots[0]);

  await page.getByRole('link', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign out of Contoso?' }).waitFor();
  expect(page.url().startsWith(`${issuer}/session/end`)).toBe(true);
  await screenshot(page, shots[1]);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'You have signed out' }).waitFor();
  expect(await page.locator('.lead').textContent()).toContain('You are signed out of Contoso.');
  await screenshot(page, shots[2]);
}

test('sign in through mod_auth_openidc by emailed code, see the claims in the app, refresh through the module, sign out through the end-session endpoint', async () => {
  const { apache, client } = await startApache('intranet', 'Contoso Intranet (Apache)', false);
  const context = await browser.newContext();
  const page = await context.newPage();
  // A step that does not happen fails by name, well inside the test's own timeout.
  page.setDefaultTimeout(8000);

  await signInThroughApache(page, apache, 'Contoso Intranet (Apache)', ['apache-01-sign-in', 'apache-02-enter-code', 'apache-03-protected-page']);
  const signedIn = await appView(page);
  expect(signedIn.claims).toMatchObject({
    iss: issuer, aud: client.client_id, sub: guestId, tid: 'contoso', email: GUEST, email_verified: '1', name: 'Megan Bowen', idp: 'mail', amr: 'otp',
  });
  // offline_access was asked for (OIDCScope) and the client may refresh: the module holds a refresh token.
  expect(signedIn.refreshToken).not.toBe('none');

  // The module's refresh hook: a refresh_token grant at guest-idp, new tokens to the app.
  const before = lastTokens(apache).accessToken;
  // The module comes back to the page (with ?error_code= when the refresh failed).
  const back = page.waitForResponse((response) => response.url().startsWith(apache.protectedUrl) && response.request().isNavigationRequest());
  await page.getByRole('link', { name: 'Refresh tokens' }).click();
  await back;
  await page.waitForLoadState();
  await screenshot(page, 'apache-04-refreshed');
  const refreshed = await appView(page);
  expect(refreshed.refreshError).toBeUndefined();
  expect(refreshed.accessToken).not.toBe(signedIn.accessToken);
  // guest-idp rotates refresh tokens: the module stored the new one.
  expect(refreshed.refreshToken).not.toBe(signedIn.refreshToken);
  expect(refreshed.claims.sub).toBe(guestId);
  // The new access token is good at userinfo, for the same guest.
  const after = lastTokens(apache).accessToken;
  expect(after).not.toBe(before);
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { userinfo_endpoint: string };
  const userinfo = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${after}` } });
  expect(userinfo.status).toBe(200);
  expect(await userinfo.json()).toMatchObject({ sub: guestId, email: GUEST });

  // The module's logout: its session ends, then guest-idp's end-session endpoint asks, then the
  // post-logout page of the app.
  await page.getByRole('link', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign out of Contoso?' }).waitFor();
  expect(page.url().startsWith(`${issuer}/session/end`)).toBe(true);
  await screenshot(page, 'apache-05-sign-out');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(apache.postLogoutRedirectUri);
  await page.getByRole('heading', { name: 'Signed out of the app' }).waitFor();
  await screenshot(page, 'apache-06-signed-out');

  // Both sessions are gone: the protected page asks for the address again, and the app saw nothing.
  const seenBefore = apache.seen.length;
  await page.goto(apache.protectedUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(page.url().startsWith(`${issuer}/interaction/`)).toBe(true);
  expect(await page.getByLabel('Email address').inputValue()).toBe('');
  expect(apache.seen.length).toBe(seenBefore);
  await screenshot(page, 'apache-07-sign-in-again');
  await context.close();
});

test('signing out of another app of the tenant reaches the Apache app by back-channel logout: the module drops its session, the page asks for sign-in again', async () => {
  const { apache, client } = await startApache('backchannel', 'Contoso Intranet (Apache)', true);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(8000);

  await signInThroughApache(page, apache, 'Contoso Intranet (Apache)', ['apache-backchannel-01-sign-in', 'apache-backchannel-02-enter-code', 'apache-backchannel-03-protected-page']);
  // Registered with backchannel_logout_session_required: the ID token carries the sid the module
  // files its session under, and the logout token will name it.
  expect((await appView(page)).claims).toMatchObject({ sub: guestId, sid: expect.any(String) });
  const tokens = lastTokens(apache);
  expect(await isActive(client, tokens.refreshToken)).toBe(true);
  const [moduleCookie] = (await context.cookies(apache.origin)).filter((cookie) => cookie.name === 'mod_auth_openidc_session');
  expect(moduleCookie).toBeDefined();

  await signOutOfTheWiki(page, ['apache-backchannel-04-wiki', 'apache-backchannel-05-sign-out', 'apache-backchannel-06-signed-out']);

  // guest-idp delivers logout tokens before it answers the sign-out, and logged this one as
  // taken (a 2xx answer; the module answers 400 to a token it does not accept)...
  const deliveries = idpLog.lines.filter((line) => String(line.msg).startsWith('back-channel logout'));
  expect(deliveries).toEqual([expect.objectContaining({ msg: 'back-channel logout delivered', tenant: 'contoso', clientId: client.client_id })]);
  // ...and Apache logged the call on the module's redirect URI.
  expect(await apache.waitForLog(/\[back-channel logout\]/)).toMatch(/\[back-channel logout\] 127\.0\.0\.1 "POST \/redirect_uri\?logout=backchannel HTTP\/1\.1" 200$/);
  // The module found its session by the token's sid and, before dropping it, revoked the tokens
  // it held at guest-idp's revocation endpoint (the refresh token would otherwise outlive the
  // sign-out: the module asked for offline_access, see the test below).
  expect(await isActive(client, tokens.refreshToken)).toBe(false);
  expect(await isActive(client, tokens.accessToken)).toBe(false);

  // The browser still holds the module's session cookie, but the session behind it is gone: the
  // protected page sends the guest to sign in again, and the app behind Apache sees nothing.
  expect((await context.cookies(apache.origin)).find((cookie) => cookie.name === 'mod_auth_openidc_session')?.value).toBe(moduleCookie!.value);
  const seenBefore = apache.seen.length;
  await page.goto(apache.protectedUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(page.url().startsWith(`${issuer}/interaction/`)).toBe(true);
  expect(await page.locator('.lead').textContent()).toContain('Contoso Intranet (Apache)');
  expect(apache.seen.length).toBe(seenBefore);
  await screenshot(page, 'apache-backchannel-07-sign-in-again');
  await context.close();
});

test('without a back-channel registration the Apache app is never told: its session outlives the guest’s sign-out at guest-idp', async () => {
  const { apache, client } = await startApache('no-backchannel', 'Contoso Portal (Apache)', false);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(8000);

  await signInThroughApache(page, apache, 'Contoso Portal (Apache)', ['apache-no-backchannel-01-sign-in', 'apache-no-backchannel-02-enter-code', 'apache-no-backchannel-03-protected-page']);
  const signedIn = await appView(page);
  // Without backchannel_logout_session_required the ID token has no sid.
  expect(signedIn.claims.sub).toBe(guestId);
  expect(signedIn.claims).not.toHaveProperty('sid');
  const tokens = lastTokens(apache);
  const linesBefore = idpLog.lines.length;

  await signOutOfTheWiki(page, ['apache-no-backchannel-04-wiki', 'apache-no-backchannel-05-sign-out', 'apache-no-backchannel-06-signed-out']);

  // Nobody was told, and the refresh token of the module's offline_access grant stays good.
  expect(idpLog.lines.slice(linesBefore).filter((line) => String(line.msg).startsWith('back-channel logout'))).toEqual([]);
  expect(await isActive(client, tokens.refreshToken)).toBe(true);
  // The protected page still shows the guest's claims, straight from the module's session.
  await page.goto(apache.protectedUrl);
  await page.getByRole('heading', { name: 'Signed in with Apache' }).waitFor();
  expect(page.url()).toBe(apache.protectedUrl);
  expect((await appView(page)).claims).toMatchObject({ sub: guestId, email: GUEST, aud: client.client_id });
  await screenshot(page, 'apache-no-backchannel-07-still-signed-in');
  await context.close();
});
