import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

import { screenshot } from '../support/browser.ts';
import { checkConsolePage, type ConsoleFixture, startConsoleFixture } from '../support/console.ts';
import type { DemoApp } from '../support/demo-app.ts';
import type { RunningIdp } from '../support/idp.ts';
import { codeIn, type SmtpListener } from '../support/smtp.ts';

/**
 * The console's sign-in log and audit log pages in a real browser: a guest who typed a wrong code
 * is found by the reference their page showed, with the reason in words; the audit log names who
 * changed what, a console member or the deployment's admin token. Checked with axe and photographed
 * (test/e2e/screenshots/console-logs-*.png).
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let app: DemoApp;
let browser: Browser;
let consoleUrl: string;
let admin: { context: BrowserContext; page: Page };

const GUEST = 'alex.wilber@fabrikam.example';

let fixture: ConsoleFixture;

beforeAll(async () => {
  fixture = await startConsoleFixture();
  ({ smtp, idp, app, browser, consoleUrl } = fixture);
  await fixture.addMember('megan.bowen@contoso.example', 'Megan Bowen', ['admin']);
  await fixture.addMember('adele.vance@contoso.example', 'Adele Vance', ['guestInviter']);
});

afterAll(async () => {
  await admin?.context.close();
  await fixture?.close();
});

async function signInToConsole(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const signedIn = await fixture.signIn(email);
  await signedIn.page.getByRole('heading', { name: 'Guests' }).waitFor();
  return signedIn;
}
const check = (page: Page, name: string) => checkConsolePage(page, `console-logs-${name}`);

/** A table row's cells as text, whitespace collapsed. */
async function cellsOf(row: Locator): Promise<string[]> {
  return (await row.getByRole('cell').allTextContents()).map((cell) => cell.replace(/\s+/g, ' ').trim());
}

/** The reference a guest would quote: the wrong-code page shows it under the error. */
let wrongCodeReference: string;

test('a guest invited in the console types a wrong code, then signs in; the admin API changes a policy', async () => {
  admin = await signInToConsole('megan.bowen@contoso.example');
  const { page } = admin;
  await page.getByRole('link', { name: 'Invite a guest' }).first().click();
  await page.getByLabel('Email address').fill(GUEST);
  await page.getByLabel('Name (optional)').fill('Alex Wilber');
  await page.getByLabel('Redirect URL').fill(`${app.origin}/welcome`);
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByRole('heading', { name: 'Guest invited' }).waitFor();
  expect((await smtp.nextMessageTo(GUEST)).subject).toContain('Contoso');

  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state: 'enabled' })).status).toBe(200);

  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  guestPage.setDefaultTimeout(10_000);
  await guestPage.goto(`${app.origin}/login`);
  await guestPage.getByLabel('Email address').fill(GUEST);
  await guestPage.getByRole('button', { name: 'Next' }).click();
  await guestPage.getByRole('button', { name: 'Send code' }).click();
  const code = codeIn(await smtp.nextMessageTo(GUEST));
  const wrong = `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;
  await guestPage.getByLabel('Code', { exact: true }).fill(wrong);
  const refused = guestPage.waitForResponse((response) => response.request().method() === 'POST' && response.status() === 400);
  await guestPage.getByRole('button', { name: 'Sign in' }).click();
  const response = await refused;
  await guestPage.getByRole('alert').filter({ hasText: 'That code isn’t right' }).waitFor();
  wrongCodeReference = (await guestPage.locator('.reference code').textContent())?.trim() ?? '';
  expect(wrongCodeReference).toBe(response.headers()['x-request-id']);
  await screenshot(guestPage, 'console-logs-00-guest-wrong-code');
  await guestPage.getByLabel('Code', { exact: true }).fill(code);
  await guestPage.getByRole('button', { name: 'Sign in' }).click();
  await guestPage.waitForURL(`${app.origin}/callback**`);
  await guest.close();
});

test('the administrator finds both sign-ins, the failure with its reason and the reference, and filters them', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Sign-in log' }).click();
  await page.getByRole('heading', { name: 'Sign-in log' }).waitFor();
  // Newest first: the guest's success, then the wrong code; the administrator's own console sign-in is older.
  const rows = page.locator('tbody tr');
  const guestRows = rows.filter({ hasText: GUEST });
  expect(await guestRows.count()).toBe(2);
  const [success, failure] = [await cellsOf(guestRows.nth(0)), await cellsOf(guestRows.nth(1))];
  expect(success).toEqual([
    expect.stringMatching(/\d{4}.*UTC$/), `Alex Wilber ${GUEST}`, 'Contoso Expenses', 'Email one-time passcode', '✓ Success', expect.any(String), expect.any(String),
  ]);
  expect(failure[4]).toBe('✕ Failure Wrong code entered. The guest can try again, or ask for a new code. Error code 50126');
  expect(failure[6]).toBe(wrongCodeReference);
  expect(await guestRows.nth(1).getAttribute('class')).toContain('row-failure');
  expect(await rows.filter({ hasText: 'megan.bowen@contoso.example' }).count()).toBe(1);
  await check(page, '01-sign-ins');

  // From the guest's page: the log filtered to that guest.
  await page.goto(`${consoleUrl}/guests`);
  await page.getByRole('link', { name: 'Alex Wilber' }).click();
  await page.getByRole('link', { name: 'Sign-ins of this guest' }).click();
  await page.getByRole('heading', { name: 'Sign-in log' }).waitFor();
  expect(await page.getByLabel('User’s email address').inputValue()).toBe(GUEST);
  expect(await rows.count()).toBe(2);
  await page.getByLabel('Failures only').check();
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/failures=1/);
  expect(await rows.count()).toBe(1);
  expect((await cellsOf(rows.first()))[6]).toBe(wrongCodeReference);
  await check(page, '02-sign-ins-failures');

  // A day after today: nothing yet. A day that is no date: said so.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await page.goto(`${consoleUrl}/sign-ins?since=${tomorrow}`);
  await page.getByText('No sign-ins match.').waitFor();
  expect((await page.goto(`${consoleUrl}/sign-ins?since=yesterday`))?.status()).toBe(400);
  await page.getByRole('alert').filter({ hasText: 'YYYY-MM-DD' }).waitFor();

  // On a phone: labelled cards.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${consoleUrl}/sign-ins?user=${encodeURIComponent(GUEST)}`);
  await check(page, '03-sign-ins-phone');
  await page.setViewportSize({ width: 1280, height: 800 });

  // In German: the reason in the reader's language.
  const german = await browser.newContext({ storageState: await admin.context.storageState(), locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9' } });
  const germanPage = await german.newPage();
  await germanPage.goto(`${consoleUrl}/sign-ins?failures=1`);
  await germanPage.getByRole('heading', { name: 'Anmeldeprotokoll' }).waitFor();
  expect(await germanPage.locator('tbody tr').first().textContent()).toContain('Falscher Code eingegeben.');
  await check(germanPage, '04-sign-ins-de');
  await german.close();
});

test('the audit log names the console member and the deployment token as initiators, and filters', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  const rows = page.locator('tbody tr');
  const invitation = await cellsOf(rows.filter({ hasText: 'Invite external user' }).first());
  expect(invitation).toEqual([expect.stringMatching(/UTC$/), 'Invite external user', 'megan.bowen@contoso.example', `User ${GUEST}`, '✓ Success']);
  const policy = await cellsOf(rows.filter({ hasText: 'Update policy' }).first());
  expect(policy.slice(1, 3)).toEqual(['Update policy', 'Deployment administrator (admin token)']);
  await check(page, '05-audit');

  await page.getByLabel('Initiated by (address or app ID)').fill('deployment');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/initiator=deployment/);
  expect(await rows.filter({ hasText: 'Invite external user' }).count()).toBe(0);
  expect(await rows.filter({ hasText: 'Update policy' }).count()).toBeGreaterThan(0);

  const guest = await idp.guests.findByMail('contoso', GUEST);
  await page.goto(`${consoleUrl}/audit-logs?target=${guest!.id}`);
  expect((await rows.allTextContents()).every((text) => text.includes(GUEST))).toBe(true);
  expect(await rows.filter({ hasText: 'Invite external user' }).count()).toBe(1);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${consoleUrl}/audit-logs`);
  await check(page, '06-audit-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('paging: "Older" goes on where the page stopped, never repeating an entry', async () => {
  // More entries than a page (20): invitations made through the admin API.
  for (let index = 0; index < 21; index += 1) {
    expect((await idp.admin('POST', '/admin/tenants/contoso/invitations', {
      invitedUserEmailAddress: `paging-${index}@fabrikam.example`, inviteRedirectUrl: `${app.origin}/welcome`, sendInvitationMessage: false,
    })).status).toBe(201);
  }
  const { page } = admin;
  await page.goto(`${consoleUrl}/audit-logs?initiator=deployment`);
  const first = await page.locator('tbody tr').allTextContents();
  expect(first).toHaveLength(20);
  await page.getByRole('link', { name: 'Older' }).click();
  await page.getByRole('link', { name: 'Newest' }).waitFor();
  expect(await page.getByLabel('Initiated by (address or app ID)').inputValue()).toBe('deployment');
  const second = await page.locator('tbody tr').allTextContents();
  expect(second.length).toBeGreaterThan(0);
  expect(second.filter((row) => first.includes(row))).toEqual([]);
});

test('a guest inviter sees neither log and gets the 403 page', async () => {
  const { context, page } = await signInToConsole('adele.vance@contoso.example');
  expect(await page.getByRole('link', { name: 'Sign-in log' }).count()).toBe(0);
  expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
  for (const path of ['/sign-ins', '/audit-logs']) {
    expect((await page.goto(`${consoleUrl}${path}`))?.status()).toBe(403);
    await page.getByRole('heading', { name: 'You don’t have access to this page' }).waitFor();
  }
  // The guest's page has no link to a log they cannot read.
  await page.goto(`${consoleUrl}/guests`);
  await page.getByRole('link', { name: 'Alex Wilber' }).click();
  await page.getByRole('heading', { name: 'Alex Wilber' }).waitFor();
  expect(await page.getByRole('link', { name: 'Sign-ins of this guest' }).count()).toBe(0);
  await context.close();
});
