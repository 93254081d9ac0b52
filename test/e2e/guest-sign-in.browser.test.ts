import type { Browser } from 'playwright-core';

import { launchChromium, screenshot } from '../support/browser.ts';
import { type DemoApp, startDemoApp } from '../support/demo-app.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { freePort } from '../support/redis-server.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * The guest's journey in a real browser (Debian's Chromium, headless): from the invitation mail to
 * the app, and from an app's "sign in" to its callback. Screenshots of every page land in
 * test/e2e/screenshots/.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let app: DemoApp;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso', verifiedDomains: ['contoso.example'] })).status).toBe(201);
  const port = await freePort();
  const client = await idp.admin('POST', '/admin/tenants/contoso/clients', {
    client_name: 'Contoso Expenses', redirect_uris: [`http://localhost:${port}/callback`],
  });
  app = await startDemoApp(`${idp.baseUrl}/contoso/v2.0`, client.body, port);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
  await smtp?.close();
});

test('from the invitation mail to the app: Send code, enter the mailed code, arrive at the redirect URL', async () => {
  await idp.admin('POST', '/admin/tenants/contoso/invitations', {
    invitedUserEmailAddress: 'patti.fernandez@fabrikam.example',
    invitedUserDisplayName: 'Patti Fernandez',
    inviteRedirectUrl: `${app.origin}/welcome`,
    sendInvitationMessage: true,
  });
  const invitation = await smtp.nextMessageTo('patti.fernandez@fabrikam.example');
  const link = /(http:\/\/\S+\/redeem\?ticket=[\w-]+)/.exec(invitation.text!)![1]!;

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent(invitation.html as string);
  await screenshot(page, '00-invitation-mail');

  await page.goto(link);
  await page.getByRole('heading', { name: 'Get a code to sign in' }).waitFor();
  await screenshot(page, '01-redeem-send-code');
  await page.getByRole('button', { name: 'Send code' }).click();

  await page.getByRole('heading', { name: 'Enter code' }).waitFor();
  await screenshot(page, '02-enter-code');
  const code = codeIn(await smtp.nextMessageTo('patti.fernandez@fabrikam.example'));
  await page.getByLabel('Code', { exact: true }).fill('12345670');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  expect(await page.getByRole('alert').textContent()).toContain('That code isn’t right');
  await screenshot(page, '03-wrong-code');

  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${app.origin}/welcome`);
  expect(await page.getByRole('heading').textContent()).toBe('Welcome to the app');
  await context.close();
});

test('from an app’s sign-in to its callback, typing the address on the sign-in page', async () => {
  await idp.admin('POST', '/admin/tenants/contoso/invitations', {
    invitedUserEmailAddress: 'lee.gu@fabrikam.example', inviteRedirectUrl: `${app.origin}/welcome`,
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.origin}/login`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  expect(await page.locator('.lead').textContent()).toContain('Contoso Expenses');
  await screenshot(page, '10-sign-in');

  await page.getByLabel('Email address').fill('not an address');
  await page.getByRole('button', { name: 'Next' }).click();
  // The browser's own validation keeps a malformed address from being sent.
  expect(page.url()).toContain('/interaction/');
  await page.getByLabel('Email address').fill('Lee.Gu@fabrikam.example');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo('lee.gu@fabrikam.example')));
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`${app.origin}/callback**`);
  expect(await page.locator('#who').textContent()).toBe('lee.gu@fabrikam.example');
  const claims = JSON.parse((await page.locator('#claims').textContent())!);
  expect(claims).toMatchObject({ tid: 'contoso', idp: 'mail', amr: ['otp'], email_verified: true });
  await screenshot(page, '11-app-callback');
  await context.close();
});

test('the pages a lost guest may meet look like the product too', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${idp.baseUrl}/common/oauth2/v2.0/authorize?client_id=x`);
  await page.getByRole('heading', { name: 'Use your organization’s sign-in link' }).waitFor();
  await screenshot(page, '20-tenant-required');
  await page.getByLabel('Sign in to an organization').fill('nowhere.example');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').waitFor();
  await screenshot(page, '21-organization-not-found');

  await page.goto(`${idp.baseUrl}/nobody/v2.0/auth?client_id=x`);
  await screenshot(page, '22-unknown-tenant');
  expect(await page.getByRole('heading').first().textContent()).toBe('We could not find that organization');

  await page.goto(`${idp.baseUrl}/contoso/v2.0/redeem?ticket=used`);
  await screenshot(page, '23-used-invitation');
  await context.close();
});
