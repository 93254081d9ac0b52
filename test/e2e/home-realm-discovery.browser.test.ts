import type { Browser } from 'playwright-core';

import { launchChromium, screenshot } from '../support/browser.ts';
import { type DemoApp, startDemoApp } from '../support/demo-app.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { freePort } from '../support/redis-server.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.ts';

/**
 * The whole discovery chain in Chromium: a guest of Contoso whose home is another tenant signs in
 * there with that tenant's own method and comes back; a partner's guest signs in at the partner's
 * identity provider; and a cancelled upstream sign-in ends on a page with a way back.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let partner: UpstreamIdp;
let app: DemoApp;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpListener();
  partner = await startUpstreamIdp('Partner IdP');
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  for (const [id, name, domain] of [['contoso', 'Contoso', 'contoso.example'], ['fabrikam', 'Fabrikam', 'fabrikam.example']] as const) {
    expect((await idp.admin('POST', '/admin/tenants', { id, displayName: name, verifiedDomains: [domain] })).status).toBe(201);
  }
  expect((await idp.admin('POST', '/admin/tenants/fabrikam/users', { mail: 'megan@fabrikam.example', displayName: 'Megan Bowen' })).status).toBe(201);
  const upstreamClient = { client_id: 'contoso', client_secret: 'contoso-at-partner-0123456789' };
  await partner.registerClient({ ...upstreamClient, redirect_uris: [`${idp.baseUrl}/contoso/v2.0/federation/callback`] });
  await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/partner', {
    type: 'oidc', displayName: 'Partner IdP', issuer: partner.issuer, clientId: upstreamClient.client_id, clientSecret: upstreamClient.client_secret, domains: ['partner.example'],
  });
  partner.addAccount({ sub: 'ana-1', email: 'ana@partner.example', name: 'Ana Partner' });

  const port = await freePort();
  const client = await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'Contoso Expenses', redirect_uris: [`http://localhost:${port}/callback`] });
  app = await startDemoApp(`${idp.baseUrl}/contoso/v2.0`, client.body, port);
  for (const email of ['megan@fabrikam.example', 'ana@partner.example', 'cancel@partner.example']) {
    await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: email, inviteRedirectUrl: `${app.origin}/welcome` });
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
  await partner?.close();
  await smtp?.close();
});

test('a guest whose home is another tenant signs in there, with its code, and lands in Contoso’s app', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.origin}/login`);
  await page.getByLabel('Email address').fill('megan@fabrikam.example');
  await page.getByRole('button', { name: 'Next' }).click();

  // At Fabrikam now: its page, its brand, for Contoso.
  await page.getByRole('heading', { name: 'Get a code to sign in' }).waitFor();
  expect(page.url()).toContain('/fabrikam/v2.0/interaction/');
  expect(await page.locator('.brand-name').textContent()).toBe('Fabrikam');
  await screenshot(page, '40-home-tenant-send-code');
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo('megan@fabrikam.example')));
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`${app.origin}/callback**`);
  const claims = JSON.parse((await page.locator('#claims').textContent())!);
  expect(claims).toMatchObject({ tid: 'contoso', email: 'megan@fabrikam.example', idp: `${idp.baseUrl}/fabrikam/v2.0`, amr: ['otp'] });
  await screenshot(page, '41-home-tenant-back-at-app');
  await context.close();
});

test('a partner’s guest signs in at the partner’s identity provider', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.origin}/login`);
  await page.getByLabel('Email address').fill('ana@partner.example');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Sign in to Partner IdP' }).waitFor();
  await screenshot(page, '42-partner-idp');
  await page.getByRole('button', { name: /Ana Partner/ }).click();
  await page.waitForURL(`${app.origin}/callback**`);
  expect(JSON.parse((await page.locator('#claims').textContent())!)).toMatchObject({ idp: partner.issuer, email: 'ana@partner.example', name: 'Ana Partner' });
  await context.close();
});

test('a cancelled upstream sign-in ends on a clear page that can start it again', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.origin}/login`);
  await page.getByLabel('Email address').fill('cancel@partner.example');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('heading', { name: 'Signing in at Partner IdP didn’t finish' }).waitFor();
  await screenshot(page, '43-upstream-cancelled');
  await page.getByRole('link', { name: 'Try again' }).click();
  await page.getByRole('heading', { name: 'Sign in to Partner IdP' }).waitFor();
  await context.close();
});
