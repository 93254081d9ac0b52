import type { Browser, Page } from 'playwright-core';

import { type ApacheRp, startApacheRp } from '../support/apache-rp.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * A relying party nobody here wrote: Apache httpd with mod_auth_openidc 2.4.12 (Debian's packages),
 * configured as an operator would (test/support/apache-rp.ts), in front of an app that sees only
 * what the module passes on. A guest signs in by emailed code in headless Chromium, the app sees
 * the claims, the module refreshes the tokens, and the module's logout ends both sessions.
 * Screenshots land in test/e2e/screenshots/apache-*.png.
 */

const GUEST = 'megan.bowen@fabrikam.example';

let smtp: SmtpListener;
let idp: RunningIdp;
let apache: ApacheRp;
let browser: Browser;
let issuer: string;
let clientId: string;
let guestId: string;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  issuer = `${idp.baseUrl}/contoso/v2.0`;
  const invitation = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
    invitedUserEmailAddress: GUEST, invitedUserDisplayName: 'Megan Bowen', inviteRedirectUrl: 'http://localhost/',
  });
  expect(invitation.status).toBe(201);
  guestId = invitation.body.invitedUser.id;
  apache = await startApacheRp({
    issuer,
    async register({ redirectUri, postLogoutRedirectUri }) {
      const client = await idp.admin('POST', '/admin/tenants/contoso/clients', {
        client_name: 'Contoso Intranet (Apache)',
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutRedirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
      });
      expect(client.status).toBe(201);
      clientId = client.body.client_id;
      return client.body;
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await apache?.close();
  await idp?.close();
  await smtp?.close();
});

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

/** The access token the module last passed to the app. */
function lastAccessToken(): string {
  const request = apache.seen.findLast((seen) => seen.path.startsWith('/protected/'));
  return request?.oidc.oidc_access_token ?? '';
}

test('sign in through mod_auth_openidc by emailed code, see the claims in the app, refresh through the module, sign out through the end-session endpoint', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // A step that does not happen fails by name, well inside the test's own timeout.
  page.setDefaultTimeout(8000);

  // The protected page sends the browser to the tenant's sign-in page.
  await page.goto(apache.protectedUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(page.url().startsWith(`${issuer}/interaction/`)).toBe(true);
  expect(await page.locator('.lead').textContent()).toContain('Contoso Intranet (Apache)');
  await screenshot(page, 'apache-01-sign-in');

  await page.getByLabel('Email address').fill(GUEST);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo(GUEST)));
  await screenshot(page, 'apache-02-enter-code');
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back on the protected page: the claims as the app behind the module sees them.
  await page.waitForURL(apache.protectedUrl);
  await page.getByRole('heading', { name: 'Signed in with Apache' }).waitFor();
  await screenshot(page, 'apache-03-protected-page');
  const signedIn = await appView(page);
  expect(signedIn.claims).toMatchObject({
    iss: issuer, aud: clientId, sub: guestId, tid: 'contoso', email: GUEST, email_verified: '1', name: 'Megan Bowen', idp: 'mail', amr: 'otp',
  });
  // offline_access was asked for (OIDCScope) and the client may refresh: the module holds a refresh token.
  expect(signedIn.refreshToken).not.toBe('none');

  // The module's refresh hook: a refresh_token grant at guest-idp, new tokens to the app.
  const before = lastAccessToken();
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
  const after = lastAccessToken();
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
