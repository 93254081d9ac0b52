import type { Browser, BrowserContext, Page } from 'playwright-core';

import { checkConsolePage, type ConsoleFixture, startConsoleFixture } from '../support/console.ts';
import type { DemoApp } from '../support/demo-app.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import type { RunningIdp } from '../support/idp.ts';
import { codeIn, type SmtpListener } from '../support/smtp.ts';

/**
 * The tenant console in a real browser: its people sign in through the tenant's own issuer with an
 * emailed code, and see and manage guests; each role sees what it may, and every page is checked
 * with axe (WCAG 2.2 AA) and photographed (test/e2e/screenshots/console-*.png).
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let app: DemoApp;
let browser: Browser;
let consoleUrl: string;

let fixture: ConsoleFixture;

beforeAll(async () => {
  fixture = await startConsoleFixture();
  ({ smtp, idp, app, browser, consoleUrl } = fixture);
  await fixture.addMember('megan.bowen@contoso.example', 'Megan Bowen', ['admin']);
  await fixture.addMember('adele.vance@contoso.example', 'Adele Vance', ['guestInviter']);
  await fixture.addMember('lynne.robbins@contoso.example', 'Lynne Robbins', []);
  await fixture.addMember('miriam.graham@contoso.example', 'Miriam Graham', ['admin']);
  await fixture.addMember('nestor.wilke@contoso.example', 'Nestor Wilke', []);
});

afterAll(() => fixture?.close());

const signInToConsole = (email: string) => fixture.signIn(email);
const check = (page: Page, name: string) => checkConsolePage(page, `console-${name}`);

/** The administrator's browser, signed in by the first test and used by the next ones. */
let admin: { context: BrowserContext; page: Page };

test('an administrator signs in by email code, invites a guest, and sees the guest’s row once the guest has signed in', async () => {
  admin = await signInToConsole('megan.bowen@contoso.example');
  const { context, page } = admin;
  await page.getByRole('heading', { name: 'Guests' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/contoso/console/guests');
  // The console's own session cookie: signed, HttpOnly, SameSite=Lax, only for the console's path.
  const cookie = (await context.cookies()).find((candidate) => candidate.name === 'gi_console_contoso');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/contoso/console/' });
  await check(page, '01-guests-empty');

  await page.getByRole('link', { name: 'Invite a guest' }).first().click();
  await page.getByRole('heading', { name: 'Invite a guest' }).waitFor();
  await page.getByLabel('Email address').fill('Patti.Fernandez@fabrikam.example');
  await page.getByLabel('Name (optional)').fill('Patti Fernandez');
  await page.getByLabel('Redirect URL').fill(`${app.origin}/welcome`);
  await page.getByLabel('Language of the mail').selectOption('de');
  await page.getByLabel('Personal message (optional)').fill('Willkommen im Projekt Falcon!');
  await check(page, '02-invite');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByRole('heading', { name: 'Guest invited' }).waitFor();
  const redeemUrl = await page.getByLabel('Invitation link').inputValue();
  expect(redeemUrl).toMatch(/\/contoso\/v2\.0\/redeem\?ticket=/);
  await check(page, '03-invited');

  // The mail: in German, with the personal message, naming the administrator as the inviter.
  const invitation = await smtp.nextMessageTo('patti.fernandez@fabrikam.example');
  expect(invitation.subject).toContain('Contoso');
  expect(invitation.text).toContain('Willkommen im Projekt Falcon!');
  expect(invitation.text).toContain('Megan Bowen');
  expect(invitation.text).toContain(redeemUrl);

  // The guest signs in to an app of the tenant: the first sign-in redeems the invitation.
  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  await guestPage.goto(`${app.origin}/login`);
  await guestPage.getByLabel('Email address').fill('patti.fernandez@fabrikam.example');
  await guestPage.getByRole('button', { name: 'Next' }).click();
  await guestPage.getByRole('button', { name: 'Send code' }).click();
  await guestPage.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo('patti.fernandez@fabrikam.example')));
  await guestPage.getByRole('button', { name: 'Sign in' }).click();
  await guestPage.waitForURL(`${app.origin}/callback**`);
  await guest.close();

  await page.goto(`${consoleUrl}/guests`);
  const row = page.getByRole('row', { name: /Patti Fernandez/ });
  await row.waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  expect(cells.map((cell) => cell.trim())).toEqual([
    'Patti Fernandez', 'patti.fernandez@fabrikam.example', 'Guest', 'Email one-time passcode', 'Accepted', expect.stringMatching(/\d{4}.*UTC$/),
  ]);
  await check(page, '04-guests');

  // Filters: pending guests only leaves her out; her address finds her.
  await page.getByLabel('Invitation state').selectOption('PendingAcceptance');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('No guests match.').waitFor();
  await page.getByLabel('Invitation state').selectOption('');
  await page.getByLabel('Email address').fill('patti.fernandez@fabrikam.example');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('row', { name: /Patti Fernandez/ }).waitFor();

  await page.getByRole('link', { name: 'Patti Fernandez' }).click();
  await page.getByRole('heading', { name: 'Patti Fernandez' }).waitFor();
  await check(page, '05-guest');

  // Reset redemption: pending again, source cleared, a new invitation mailed.
  await page.getByLabel('Redirect URL').fill(`${app.origin}/welcome`);
  await page.getByRole('button', { name: 'Reset redemption' }).click();
  await page.getByRole('status').filter({ hasText: 'redemption was reset' }).waitFor();
  expect(await page.locator('.details').textContent()).toContain('Pending acceptance');
  expect((await smtp.nextMessageTo('patti.fernandez@fabrikam.example')).subject).toContain('Contoso');

  // Delete, with a confirmation step.
  await page.getByRole('link', { name: 'Delete guest' }).click();
  await page.getByRole('heading', { name: 'Delete guest' }).waitFor();
  await check(page, '06-delete-guest');
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').filter({ hasText: 'The guest was deleted.' }).waitFor();
  expect((await idp.admin('GET', `/admin/tenants/contoso/users?$filter=${encodeURIComponent("mail eq 'patti.fernandez@fabrikam.example'")}`)).body.value).toEqual([]);
});

test('the administrator sets the email code policy and the redemption order', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Email one-time passcode' }).click();
  await page.getByRole('heading', { name: 'Email one-time passcode' }).waitFor();
  await check(page, '07-email-otp');
  await page.getByLabel('Enabled').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  expect((await idp.admin('GET', '/admin/tenants/contoso/policies/emailOtp')).body.state).toBe('enabled');

  await page.getByRole('link', { name: 'Redemption order' }).click();
  await check(page, '08-redemption');
  await page.getByLabel('First').selectOption('externalFederation');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').filter({ hasText: 'exactly once' }).waitFor();
  await page.getByLabel('Number 2').selectOption('azureActiveDirectory');
  await page.getByLabel('Email one-time passcode only').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  expect((await idp.admin('GET', '/admin/tenants/contoso/policies/invitationRedemption')).body).toEqual({
    primaryIdentityProviderPrecedenceOrder: ['externalFederation', 'azureActiveDirectory', 'socialIdentityProviders'],
    fallbackIdentityProvider: 'emailOneTimePasscode',
  });

});

test('the administrator sets the guest MFA policy: methods, sources and apps', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Guest MFA' }).click();
  await page.getByRole('heading', { name: 'Guest multifactor authentication' }).waitFor();
  await check(page, '07b-guest-mfa');
  await page.getByLabel('Enabled').check();
  await page.getByLabel('Passkey').uncheck();
  await page.getByLabel('Authenticator app').uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').filter({ hasText: 'at least one method' }).waitFor();
  await check(page, '07c-guest-mfa-no-method');
  await page.getByLabel('Authenticator app').check();
  await page.getByLabel('Guests who signed up with:').check();
  await page.getByLabel('Google').check();
  await page.getByLabel('Only these apps:').check();
  await page.getByLabel(/Contoso Expenses/).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  const policy = (await idp.admin('GET', '/admin/tenants/contoso/policies/guestMfa')).body;
  expect(policy).toEqual({ state: 'enabled', methods: ['totp'], appliesTo: { sources: ['Google'], clientIds: [expect.any(String)] } });
  // Off again: the guests of the tests below sign in with one factor.
  await page.getByLabel('Disabled').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  expect((await idp.admin('GET', '/admin/tenants/contoso/policies/guestMfa')).body.state).toBe('disabled');
});

test('the administrator adds an identity provider (refused by the issuer check), rotates keys, gives a member a role', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Identity providers' }).click();
  await check(page, '09-identity-providers');
  await page.getByRole('link', { name: 'Add a provider' }).click();
  await page.getByLabel('ID', { exact: true }).fill('partner');
  await page.getByLabel('Issuer').fill(`${idp.baseUrl}/nowhere/v2.0`);
  await page.getByLabel('Client ID').fill('guest-idp');
  await page.getByLabel('Client secret').fill('a-secret');
  await page.getByLabel('Domains').fill('partner.example');
  await page.getByRole('button', { name: 'Check and save' }).click();
  await page.getByRole('alert').filter({ hasText: 'issuer check failed' }).waitFor();
  await check(page, '10-identity-provider-refused');
  expect((await idp.admin('GET', '/admin/tenants/contoso/identityProviders')).body.value).toEqual([]);

  // A real issuer (another tenant of this deployment stands in for the partner's provider).
  expect((await idp.admin('POST', '/admin/tenants', { id: 'partner', displayName: 'Partner' })).status).toBe(201);
  await page.getByLabel('Issuer').fill(`${idp.baseUrl}/partner/v2.0`);
  await page.getByLabel('Client secret').fill('a-secret');
  await page.getByLabel('Name').fill('Partner sign-in');
  await page.getByRole('button', { name: 'Check and save' }).click();
  await page.getByRole('status').filter({ hasText: 'The issuer check passed' }).waitFor();
  await page.getByRole('row', { name: /Partner sign-in/ }).waitFor();
  expect((await idp.admin('GET', '/admin/tenants/contoso/identityProviders/partner')).body).toMatchObject({
    type: 'oidc', issuer: `${idp.baseUrl}/partner/v2.0`, clientId: 'guest-idp', domains: ['partner.example'],
  });
  await page.getByRole('link', { name: 'Partner sign-in' }).click();
  await page.getByRole('heading', { name: 'Edit identity provider' }).waitFor();
  await check(page, '10-identity-provider-edit');
  await page.getByRole('link', { name: 'Delete provider' }).click();
  await check(page, '10-identity-provider-delete');
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').filter({ hasText: 'The identity provider was deleted.' }).waitFor();
  expect((await idp.admin('GET', '/admin/tenants/contoso/identityProviders')).body.value).toEqual([]);

  await page.getByRole('link', { name: 'Signing keys' }).click();
  const before = await page.locator('tbody code').allTextContents();
  await check(page, '11-signing-keys');
  await page.getByRole('button', { name: 'Rotate keys' }).click();
  await page.getByRole('status').filter({ hasText: 'New signing keys' }).waitFor();
  expect(await page.locator('tbody code').allTextContents()).not.toEqual(before);

  await page.getByRole('link', { name: 'Members and roles' }).click();
  await check(page, '12-members');
  const lynne = page.getByRole('form', { name: 'Roles of lynne.robbins@contoso.example' });
  await lynne.getByLabel('Guest inviter').check();
  await lynne.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
  const lynneRecord = await idp.guests.findByMail('contoso', 'lynne.robbins@contoso.example');
  expect(lynneRecord?.roles).toEqual(['guestInviter']);

});

test('the console on a phone, the log pages listed for an administrator, and signing out', async () => {
  const { context, page } = admin;
  // The log pages (test/e2e/console-logs.browser.test.ts) are in the administrator's navigation.
  expect(await page.getByRole('link', { name: 'Sign-in log' }).count()).toBe(1);
  expect((await page.goto(`${consoleUrl}/sign-ins`))?.status()).toBe(200);

  // Phone: the guest list reads as cards.
  await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: 'isaiah.langer@fabrikam.example', invitedUserDisplayName: 'Isaiah Langer', inviteRedirectUrl: `${app.origin}/welcome` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${consoleUrl}/guests`);
  await check(page, '13-guests-phone');

  // In the reader's language: the same session, a browser that prefers German.
  const german = await browser.newContext({ storageState: await context.storageState(), locale: 'de-DE', extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9' } });
  const germanPage = await german.newPage();
  await germanPage.goto(`${consoleUrl}/guests`);
  await germanPage.getByRole('heading', { name: 'Gäste' }).waitFor();
  expect(await germanPage.getByRole('row', { name: /Isaiah Langer/ }).textContent()).toContain('Annahme ausstehend');
  await check(germanPage, '15-guests-de');
  await german.close();

  // Sign-out ends the console session and the tenant's.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: /Sign out|Yes/ }).first().click();
  await page.waitForURL(`${consoleUrl}/signed-out`);
  await check(page, '14-signed-out');
  await page.goto(`${consoleUrl}/guests`);
  await page.getByLabel('Email address').waitFor();
  expect(page.url()).toContain('/contoso/v2.0/interaction/');
  await context.close();
});

test('a guest inviter lists and invites guests, and gets a 403 page on the administrator’s pages', async () => {
  const { context, page } = await signInToConsole('adele.vance@contoso.example');
  await page.getByRole('heading', { name: 'Guests' }).waitFor();
  expect(await page.getByRole('link', { name: 'Email one-time passcode' }).count()).toBe(0);
  for (const path of ['/policies/email-otp', '/policies/mfa', '/policies/redemption', '/identity-providers', '/signing-keys', '/members', '/sign-ins', '/audit-logs']) {
    const response = await page.goto(`${consoleUrl}${path}`);
    expect(response?.status()).toBe(403);
    await page.getByRole('heading', { name: 'You don’t have access to this page' }).waitFor();
  }
  await check(page, '20-forbidden-role');
  await page.goto(`${consoleUrl}/invite`);
  await page.getByRole('heading', { name: 'Invite a guest' }).waitFor();
  await context.close();
});

test('a guest, a member without a role and a blocked member get a 403 page', async () => {
  await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: 'lee.gu@fabrikam.example', inviteRedirectUrl: `${app.origin}/welcome` });
  for (const [email, reason] of [
    ['lee.gu@fabrikam.example', 'Guests can’t use this console'],
    ['nestor.wilke@contoso.example', 'Your role doesn’t allow this page'],
  ] as const) {
    const { context, page } = await signInToConsole(email);
    await page.getByRole('heading', { name: 'You don’t have access to this page' }).waitFor();
    expect(await page.locator('.lead').textContent()).toContain(reason);
    if (email.startsWith('lee')) await check(page, '21-forbidden-guest');
    await context.close();
  }

  // An administrator blocked while signed in to the console: the next page is a 403.
  const { context, page } = await signInToConsole('miriam.graham@contoso.example');
  await page.getByRole('heading', { name: 'Guests' }).waitFor();
  const miriam = (await idp.users.findByMail('contoso', 'miriam.graham@contoso.example'))!;
  expect((await idp.admin('PATCH', `/admin/tenants/contoso/users/${miriam.id}`, { accountEnabled: false })).status).toBe(200);
  const response = await page.goto(`${consoleUrl}/guests`);
  expect(response?.status()).toBe(403);
  expect(await page.locator('.lead').textContent()).toContain('Your account is blocked');
  await context.close();
});

test('a POST without the session’s CSRF token is refused, and changes nothing', async () => {
  const { context, page } = await signInToConsole('megan.bowen@contoso.example');
  await page.getByRole('heading', { name: 'Guests' }).waitFor();
  const before = (await idp.admin('GET', '/admin/tenants/contoso/policies/emailOtp')).body.state;
  const forged = await page.request.post(`${consoleUrl}/policies/email-otp`, { form: { state: before === 'disabled' ? 'enabled' : 'disabled' } });
  expect(forged.status()).toBe(403);
  const wrongToken = await page.request.post(`${consoleUrl}/policies/email-otp`, { form: { state: 'disabled', _csrf: 'not-the-token' } });
  expect(wrongToken.status()).toBe(403);
  expect((await idp.admin('GET', '/admin/tenants/contoso/policies/emailOtp')).body.state).toBe(before);
  await context.close();

  // Without any session: nothing is done either.
  const stranger = new GuestAgent();
  expect((await stranger.request(`${consoleUrl}/invite`, { method: 'POST', form: { address: 'x@example.com', redirectUrl: 'https://example.com' } })).status).toBe(403);
});
