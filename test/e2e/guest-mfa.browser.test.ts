import type { Browser, Page } from 'playwright-core';

import { auditAccessibility } from '../support/axe.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { type DemoApp, startDemoApp } from '../support/demo-app.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { freePort } from '../support/redis-server.ts';
import { totpCode } from '../support/second-factor.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * The second factor in a real browser: a tenant whose guestMfa policy covers every guest; the guest
 * sets up an authenticator app from the page's QR code and key, saves recovery codes, and arrives at
 * the app with acr mfa. Every page is checked by axe; screenshots land in test/e2e/screenshots/.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let app: DemoApp;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/guestMfa', { state: 'enabled', methods: ['totp'] })).status).toBe(200);
  const port = await freePort();
  const client = await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'Contoso Expenses', redirect_uris: [`http://localhost:${port}/callback`] });
  app = await startDemoApp(`${idp.baseUrl}/contoso/v2.0`, client.body, port);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
  await smtp?.close();
});

async function expectAccessible(page: Page): Promise<void> {
  const report = await auditAccessibility(page);
  expect(report.violations).toEqual([]);
  expect(report.passes).toBeGreaterThan(0);
}

async function firstFactor(page: Page, email: string): Promise<void> {
  await page.goto(`${app.origin}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo(email)));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a guest sets up an authenticator app, saves recovery codes, and later signs in with its code', async () => {
  await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: 'isaiah@fabrikam.example', inviteRedirectUrl: `${app.origin}/welcome` });
  const context = await browser.newContext();
  const page = await context.newPage();
  await firstFactor(page, 'isaiah@fabrikam.example');

  await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
  // The QR code is drawn (an SVG of the page itself), and named for those who cannot see it.
  expect(await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).locator('svg path').count()).toBeGreaterThan(0);
  await expectAccessible(page);
  await screenshot(page, 'mfa-01-totp-enrol');
  const secret = (await page.locator('.secret-key code').textContent())!.replace(/\s/g, '');

  await page.getByLabel('Code from the app').fill('000000' === totpCode(secret) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').waitFor();
  await expectAccessible(page);
  await screenshot(page, 'mfa-02-totp-enrol-wrong');

  await page.getByLabel('Code from the app').fill(totpCode(secret));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
  const recoveryCodes = (await page.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem').allTextContents()).map((code) => code.trim());
  expect(recoveryCodes).toHaveLength(10);
  await expectAccessible(page);
  await screenshot(page, 'mfa-03-recovery-codes');
  await page.getByRole('button', { name: 'I saved my recovery codes' }).click();

  await page.waitForURL(`${app.origin}/callback**`);
  const claims = JSON.parse((await page.locator('#claims').textContent())!);
  expect(claims).toMatchObject({ acr: 'mfa', amr: ['otp', 'mfa'] });
  await context.close();

  // Next time (a new browser): the code from the app.
  const later = await (await browser.newContext()).newPage();
  await firstFactor(later, 'isaiah@fabrikam.example');
  await later.getByRole('heading', { name: 'Enter the code from your app' }).waitFor();
  await expectAccessible(later);
  await screenshot(later, 'mfa-04-totp-verify');
  await later.getByRole('link', { name: 'Use a recovery code instead' }).click();
  await later.getByRole('heading', { name: 'Enter a recovery code' }).waitFor();
  await later.getByRole('textbox', { name: 'Recovery code' }).fill('AAAAA-AAAAA');
  await later.getByRole('button', { name: 'Sign in' }).click();
  await later.getByRole('alert').waitFor();
  await expectAccessible(later);
  await screenshot(later, 'mfa-05-recovery-code-wrong');
  await later.getByRole('link', { name: 'Back' }).click();
  await later.getByLabel('Code', { exact: true }).fill(totpCode(secret, 1));
  await later.getByRole('button', { name: 'Sign in' }).click();
  await later.waitForURL(`${app.origin}/callback**`);
  expect(JSON.parse((await later.locator('#claims').textContent())!)).toMatchObject({ acr: 'mfa' });

  // A recovery code: how many are left, then the app.
  const recovering = await (await browser.newContext()).newPage();
  await firstFactor(recovering, 'isaiah@fabrikam.example');
  await recovering.getByRole('link', { name: 'Use a recovery code instead' }).click();
  await recovering.getByRole('textbox', { name: 'Recovery code' }).fill(recoveryCodes[0]!);
  await recovering.getByRole('button', { name: 'Sign in' }).click();
  await recovering.getByRole('heading', { name: 'Recovery code accepted' }).waitFor();
  expect(await recovering.getByRole('status').textContent()).toBe('You have 9 recovery codes left.');
  await expectAccessible(recovering);
  await screenshot(recovering, 'mfa-06-recovery-code-used');
  await recovering.getByRole('button', { name: 'Continue' }).click();
  await recovering.waitForURL(`${app.origin}/callback**`);

  // Too many wrong codes: the lock-out page, in the guest's language.
  const guessing = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  await guessing.goto(`${app.origin}/login`);
  await guessing.getByLabel('E-Mail-Adresse').fill('isaiah@fabrikam.example');
  await guessing.getByRole('button', { name: 'Weiter' }).click();
  await guessing.getByRole('button', { name: 'Code senden' }).click();
  await guessing.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo('isaiah@fabrikam.example')));
  await guessing.getByRole('button', { name: 'Anmelden' }).click();
  await guessing.getByRole('heading', { name: 'Code aus Ihrer App eingeben' }).waitFor();
  for (let i = 0; i < 10; i++) {
    await guessing.getByLabel('Code', { exact: true }).fill('12345');
    await guessing.getByRole('button', { name: 'Anmelden' }).click();
    await guessing.getByRole('alert').waitFor();
  }
  await guessing.getByRole('heading', { name: 'Zu viele falsche Versuche' }).waitFor();
  await expectAccessible(guessing);
  await screenshot(guessing, 'mfa-07-locked-out-de');
});
