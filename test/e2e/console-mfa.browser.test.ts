import type { Browser, Page } from 'playwright-core';

import { t } from '../../src/i18n/translate.ts';
import { checkConsolePage, type ConsoleFixture, startConsoleFixture } from '../support/console.ts';
import type { DemoApp } from '../support/demo-app.ts';
import type { RunningIdp } from '../support/idp.ts';
import { totpCode } from '../support/second-factor.ts';
import { codeIn, type SmtpListener } from '../support/smtp.ts';

/**
 * A guest's second factors on the console's guest page: the administrator sees them and deletes a
 * lost authenticator app (confirmed, audited with the member as initiator, gone from the admin
 * API); the guest then sets one up again at their next sign-in. A guest inviter sees none of it.
 * Checked with axe and photographed (test/e2e/screenshots/console-mfa-*.png).
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let app: DemoApp;
let browser: Browser;
let consoleUrl: string;
let meganId: string;
const GUEST = 'isaiah.langer@fabrikam.example';

let fixture: ConsoleFixture;

beforeAll(async () => {
  fixture = await startConsoleFixture({ verifiedDomains: [] });
  ({ smtp, idp, app, browser, consoleUrl } = fixture);
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/guestMfa', { state: 'enabled', methods: ['totp'] })).status).toBe(200);
  meganId = await fixture.addMember('megan.bowen@contoso.example', 'Megan Bowen', ['admin']);
  await fixture.addMember('adele.vance@contoso.example', 'Adele Vance', ['guestInviter']);
});

afterAll(() => fixture?.close());

const signInToConsole = (email: string, locale?: string) => fixture.signIn(email, locale);
const check = (page: Page, name: string) => checkConsolePage(page, `console-mfa-${name}`);

/** The guest's email-code sign-in at the demo app, up to the second factor's first page. */
async function guestFirstFactor(page: Page): Promise<void> {
  await page.goto(`${app.origin}/login`);
  await page.getByLabel('Email address').fill(GUEST);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo(GUEST)));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Sets up the authenticator app on its enrolment page with the code `stepsAhead` steps on; returns
 * its secret. (A code's step, once used, is refused for the guest within its window whatever the
 * secret: a second enrolment in the same 30 s takes the next step's code.)
 */
async function enrolAuthenticatorApp(page: Page, stepsAhead = 0): Promise<string> {
  await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
  const secret = (await page.locator('.secret-key code').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Code from the app').fill(totpCode(secret, stepsAhead));
  await page.getByRole('button', { name: 'Continue' }).click();
  return secret;
}

/** The methods table's rows, each as its cells' text. */
async function methodRows(page: Page, locale: 'en' | 'de' = 'en'): Promise<string[][]> {
  const rows = page.getByRole('table', { name: t(locale, 'console.methods.caption') }).getByRole('row');
  const texts: string[][] = [];
  for (const row of await rows.all()) {
    const cells = (await row.getByRole('cell').allTextContents()).map((cell) => cell.replace(/\s+/g, ' ').trim());
    if (cells.length > 0) texts.push(cells);
  }
  return texts;
}

let guestId: string;

test('the administrator deletes a guest’s authenticator app: confirmed, audited, gone from the API; the guest sets one up again', async () => {
  const invited = await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: GUEST, inviteRedirectUrl: `${app.origin}/welcome` });
  guestId = invited.body.invitedUser.id;

  // The guest sets up an authenticator app (and gets recovery codes).
  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  guestPage.setDefaultTimeout(10_000);
  await guestFirstFactor(guestPage);
  await enrolAuthenticatorApp(guestPage);
  await guestPage.getByRole('button', { name: 'I saved my recovery codes' }).click();
  await guestPage.waitForURL(`${app.origin}/callback**`);
  await guest.close();

  // The administrator's view of the guest: both, in words, with dates.
  const { context, page } = await signInToConsole('megan.bowen@contoso.example');
  await page.goto(`${consoleUrl}/guests/${guestId}`);
  await page.getByRole('heading', { name: 'Authentication methods' }).waitFor();
  const rows = await methodRows(page);
  expect(rows.map((cells) => cells.slice(0, 2))).toEqual([['Authenticator app', '—'], ['Recovery codes', '10 left']]);
  expect(rows[0]![2]).toMatch(/UTC$/);
  // Set up, not yet used for a sign-in.
  expect(rows[0]![3]).toBe('Never');
  await check(page, 'guest-methods');
  await page.setViewportSize({ width: 390, height: 844 });
  await check(page, 'guest-methods-phone');
  // Nothing wider than the phone: no sideways scrolling (the long address in the title breaks).
  expect(await page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth <= root.clientWidth;
  })).toBe(true);
  await page.setViewportSize({ width: 1280, height: 720 });

  // Delete, with a confirmation step first.
  await page.getByRole('link', { name: 'Delete Authenticator app' }).click();
  await page.getByRole('heading', { name: 'Delete authentication method' }).waitFor();
  expect(await page.locator('.lead').textContent()).toContain(GUEST);
  await check(page, 'delete-method');
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').filter({ hasText: 'The authentication method was deleted.' }).waitFor();
  expect((await methodRows(page)).map((cells) => cells[0])).toEqual(['Recovery codes']);
  await check(page, 'guest-method-deleted');

  // The admin API lists no authenticator app; the audit log has the deletion by Megan, named as the API's.
  const methods = await idp.admin('GET', `/admin/tenants/contoso/users/${guestId}/authenticationMethods`);
  expect(methods.body.value.map((method: { type: string }) => method.type)).toEqual(['recoveryCodes']);
  const audits = (await idp.admin('GET', `/admin/tenants/contoso/directoryAudits?$filter=${encodeURIComponent(`initiatedBy/user/id eq '${meganId}'`)}`)).body.value;
  const deletion = audits.find((audit: { activityDisplayName: string }) => audit.activityDisplayName === 'Admin deleted security info');
  expect(deletion).toMatchObject({ result: 'success', initiatedBy: { user: { id: meganId, userPrincipalName: 'megan.bowen@contoso.example' } } });
  expect(deletion.targetResources.map((target: { id: string; type: string }) => `${target.type} ${target.id}`)[0]).toBe(`User ${guestId}`);
  expect(deletion.targetResources[1]).toMatchObject({ type: 'AuthenticationMethod' });

  // The same method again (a second tab, a stale confirmation): 404, recorded as a failed attempt.
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const again = await page.request.post(`${consoleUrl}/guests/${guestId}/authentication-methods/${deletion.targetResources[1].id}/delete`, { form: { _csrf: csrf } });
  expect(again.status()).toBe(404);
  // Without the CSRF token: refused before anything is looked at.
  const recoveryId = methods.body.value[0].id;
  const forged = await page.request.post(`${consoleUrl}/guests/${guestId}/authentication-methods/${recoveryId}/delete`, { form: {} });
  expect(forged.status()).toBe(403);
  expect((await idp.admin('GET', `/admin/tenants/contoso/users/${guestId}/authenticationMethods`)).body.value).toHaveLength(1);
  await context.close();

  // The guest's next sign-in under the policy: set up an authenticator app again, then the app.
  const later = await (await browser.newContext()).newPage();
  later.setDefaultTimeout(10_000);
  await guestFirstFactor(later);
  await enrolAuthenticatorApp(later, 1);
  await later.waitForURL(`${app.origin}/callback**`);
  expect(JSON.parse((await later.locator('#claims').textContent())!)).toMatchObject({ acr: 'mfa' });
  await later.context().close();
});

test('the methods section in German: translated, axe-clean', async () => {
  const { context, page } = await signInToConsole('megan.bowen@contoso.example', 'de');
  await page.goto(`${consoleUrl}/guests/${guestId}`);
  await page.getByRole('heading', { name: t('de', 'console.methods.heading') }).waitFor();
  expect((await methodRows(page, 'de')).map((cells) => cells[0])).toEqual(['Authenticator-App', 'Wiederherstellungscodes']);
  await check(page, 'guest-methods-de');
  await page.getByRole('link', { name: `${t('de', 'console.methods.delete')} Authenticator-App` }).click();
  await page.getByRole('heading', { name: t('de', 'console.deleteMethod.title') }).waitFor();
  await check(page, 'delete-method-de');
  await context.close();
});

test('a guest inviter sees no authentication methods and cannot delete one', async () => {
  const { context, page } = await signInToConsole('adele.vance@contoso.example');
  await page.goto(`${consoleUrl}/guests/${guestId}`);
  await page.getByRole('heading', { name: 'Invitation' }).waitFor();
  expect(await page.getByRole('heading', { name: 'Authentication methods' }).count()).toBe(0);
  const [method] = (await idp.admin('GET', `/admin/tenants/contoso/users/${guestId}/authenticationMethods`)).body.value;
  const confirm = await page.goto(`${consoleUrl}/guests/${guestId}/authentication-methods/${method.id}/delete`);
  expect(confirm?.status()).toBe(403);
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const posted = await page.request.post(`${consoleUrl}/guests/${guestId}/authentication-methods/${method.id}/delete`, { form: { _csrf: csrf } });
  expect(posted.status()).toBe(403);
  expect((await idp.admin('GET', `/admin/tenants/contoso/users/${guestId}/authenticationMethods`)).body.value).toHaveLength(2);
  await context.close();
});
