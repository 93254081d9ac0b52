import type { Browser, Page } from 'playwright-core';

import { screenshot } from '../support/browser.ts';
import { checkConsolePage, type ConsoleFixture, startConsoleFixture } from '../support/console.ts';
import type { DemoApp } from '../support/demo-app.ts';
import { type RunningIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { pngImage } from '../support/images.ts';

/**
 * The console's Company branding page in a real browser: an administrator sets what guests see
 * (checked as the admin API's PATCH /branding checks it), the tenant's sign-in page shows it, the
 * change is in the audit log with the member as initiator; a guest inviter may not open it. Every
 * page is checked with axe and photographed (test/e2e/screenshots/console-branding-*.png).
 */

let idp: RunningIdp;
let app: DemoApp;
let browser: Browser;
let consoleUrl: string;
let meganId: string;

let fixture: ConsoleFixture;

beforeAll(async () => {
  fixture = await startConsoleFixture();
  ({ idp, app, browser, consoleUrl } = fixture);
  meganId = await fixture.addMember('megan.bowen@contoso.example', 'Megan Bowen', ['admin']);
  await fixture.addMember('adele.vance@contoso.example', 'Adele Vance', ['guestInviter']);
});

afterAll(() => fixture?.close());

const signInToConsole = (email: string) => fixture.signIn(email);
const check = (page: Page, name: string) => checkConsolePage(page, `console-branding-${name}`);

/** What the page's own script sees (the test is compiled without the DOM library). */
interface InPage {
  getComputedStyle(element: unknown): { backgroundColor: string };
  document: { documentElement: unknown };
}
const backgroundOf = (element: unknown) => (globalThis as unknown as InPage).getComputedStyle(element).backgroundColor;

const branding = async () => (await idp.admin('GET', '/admin/tenants/contoso/branding')).body;

test('an administrator sets the branding; the sign-in page shows it; a bad value writes nothing; the audit log names the member', async () => {
  // A logo uploaded through the admin API: the console shows it, and can remove it.
  const upload = await fetch(`${idp.baseUrl}/admin/tenants/contoso/branding/squareLogo`, {
    method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body: pngImage(120, 120, [242, 200, 17]),
  });
  expect(upload.status).toBe(200);

  const { context, page } = await signInToConsole('megan.bowen@contoso.example');
  await page.getByRole('link', { name: 'Company branding' }).click();
  await page.getByRole('heading', { name: 'Company branding', level: 1 }).waitFor();
  expect(await page.getByRole('img', { name: 'Logo of Contoso' }).evaluate((image) => {
    const { complete, naturalWidth } = image as unknown as { complete: boolean; naturalWidth: number };
    return complete && naturalWidth;
  })).toBe(120);
  expect(await page.getByText('None: guests see the product’s own colours.').count()).toBe(1);
  await check(page, '01-empty');

  await page.getByLabel('Background colour').fill('#0a4c8b');
  await page.getByLabel('Sign-in page text').fill('Help desk: +1 555 0100');
  await page.getByLabel('Username hint').fill('someone@fabrikam.example');
  await page.getByLabel('Privacy and cookies').fill('https://contoso.example/privacy');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  expect(await branding()).toMatchObject({
    backgroundColor: '#0A4C8B', signInPageText: 'Help desk: +1 555 0100', usernameHintText: 'someone@fabrikam.example',
    customPrivacyAndCookiesUrl: 'https://contoso.example/privacy', customTermsOfUseUrl: null,
  });
  // The swatch takes the colour from the tenant's stylesheet (no style attribute under the CSP).
  expect(await page.locator('.branding-swatch').evaluate(backgroundOf)).toBe('rgb(10, 76, 139)');
  expect(await page.locator('.branding-now dd code').textContent()).toBe('#0A4C8B');
  // …and the console's own page keeps the product's colours around it.
  expect(await page.locator('html').evaluate(backgroundOf)).toBe('rgb(243, 245, 248)');
  await check(page, '02-saved');

  // Refused, each with its own sentence, the fields marked, nothing written.
  await page.getByLabel('Background colour').fill('#0A4C8');
  await page.getByLabel('Privacy and cookies').fill('http://contoso.example/privacy');
  await page.getByLabel('Sign-in page text').fill('Someone else’s help desk');
  await page.getByRole('button', { name: 'Save' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  expect(await alert.textContent()).toContain('Enter the background colour as # and six hexadecimal digits, such as #0A4C8B.');
  expect(await alert.textContent()).toContain('The privacy and cookies link must be a full https:// address (http only for localhost).');
  expect(await page.getByLabel('Background colour').getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByLabel('Privacy and cookies').getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByLabel('Sign-in page text').getAttribute('aria-invalid')).toBeNull();
  // What was typed comes back, to be fixed.
  expect(await page.getByLabel('Background colour').inputValue()).toBe('#0A4C8');
  expect(await branding()).toMatchObject({ backgroundColor: '#0A4C8B', signInPageText: 'Help desk: +1 555 0100', customPrivacyAndCookiesUrl: 'https://contoso.example/privacy' });
  await check(page, '03-refused');

  // An emptied field clears its value.
  await page.goto(`${consoleUrl}/branding`);
  await page.getByLabel('Username hint').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  expect((await branding()).usernameHintText).toBeNull();

  // The logo's Remove button.
  await page.getByRole('button', { name: 'Remove logo' }).click();
  await page.getByRole('status').filter({ hasText: 'The logo was removed.' }).waitFor();
  expect((await branding()).squareLogoUrl).toBeNull();
  expect(await page.getByRole('img', { name: 'Logo of Contoso' }).count()).toBe(0);

  // On a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await check(page, '04-phone');
  await context.close();

  // A guest on the tenant's sign-in page (through an app) sees the text and the link.
  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  guestPage.setDefaultTimeout(10_000);
  await guestPage.goto(`${app.origin}/login`);
  await guestPage.getByLabel('Email address').waitFor();
  expect(await guestPage.locator('.sign-in-text').textContent()).toBe('Help desk: +1 555 0100');
  expect(await guestPage.getByRole('link', { name: 'Privacy and cookies' }).getAttribute('href')).toBe('https://contoso.example/privacy');
  expect(await guestPage.getByLabel('Email address').getAttribute('placeholder')).toBeNull();
  await screenshot(guestPage, 'console-branding-05-guest-sign-in');
  await guest.close();

  // The audit log: the console's changes with Megan as initiator, the refused one a failure.
  const audits = (await idp.admin('GET', `/admin/tenants/contoso/directoryAudits?$filter=${encodeURIComponent(`initiatedBy/user/id eq '${meganId}'`)}`)).body.value;
  const brandingAudits = audits.filter((audit: { targetResources: Array<{ type: string }> }) => audit.targetResources[0]?.type === 'Branding');
  expect(brandingAudits.map((audit: { activityDisplayName: string; result: string }) => `${audit.activityDisplayName}: ${audit.result}`).sort()).toEqual([
    'Delete company branding logo: success',
    'Update company branding: failure',
    'Update company branding: success',
    'Update company branding: success',
  ]);
  expect(brandingAudits[0]).toMatchObject({ initiatedBy: { user: { id: meganId, userPrincipalName: 'megan.bowen@contoso.example' } } });
  expect(brandingAudits.find((audit: { activityDisplayName: string }) => audit.activityDisplayName === 'Update company branding').targetResources)
    .toEqual([{ id: 'contoso', type: 'Branding', displayName: 'Company branding' }]);
});

test('a guest inviter gets a 403 on the branding page and its forms, and nothing changes', async () => {
  const before = await branding();
  const { context, page } = await signInToConsole('adele.vance@contoso.example');
  await page.getByRole('heading', { name: 'Guests' }).waitFor();
  expect(await page.getByRole('link', { name: 'Company branding' }).count()).toBe(0);
  const response = await page.goto(`${consoleUrl}/branding`);
  expect(response?.status()).toBe(403);
  await page.getByRole('heading', { name: 'You don’t have access to this page' }).waitFor();
  // With the session's own CSRF token (from the sign-out form every page has), still a 403.
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const posted = await page.request.post(`${consoleUrl}/branding`, { form: { _csrf: csrf, backgroundColor: '#FF0000', signInPageText: 'Adele was here' } });
  expect(posted.status()).toBe(403);
  const removed = await page.request.post(`${consoleUrl}/branding/square-logo/delete`, { form: { _csrf: csrf } });
  expect(removed.status()).toBe(403);
  expect(await branding()).toEqual(before);
  await context.close();
});
