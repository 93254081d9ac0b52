import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';

import { t } from '../../src/i18n/translate.ts';
import { SECOND_FACTOR_FAILURE_LIMIT } from '../../src/limits.ts';
import { PASSKEY_PAGE_CONTENT_SECURITY_POLICY } from '../../src/web/pages.ts';
import { auditAccessibility } from '../support/axe.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { recordFinding } from '../support/findings.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { totpCode } from '../support/second-factor.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Passkeys as the second factor (CONTRACT.md guest sign-in step 8), in Chromium with its virtual
 * authenticator (the DevTools protocol's WebAuthn domain) standing in for a phone or a security
 * key. The provider's BASE_URL is on localhost: WebAuthn takes no IP address as relying party id.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let fixture: SignInFixture;
/** A tenant whose guests choose between an authenticator app and a passkey. */
let either: SignInFixture;
/** The same choice, on a tenant whose policy a test changes (so the choice page's verify mode can be reached). */
let northwind: SignInFixture;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url }, host: 'localhost' });
  fixture = await tenantWithApp(idp, 'contoso');
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/guestMfa', { state: 'enabled', methods: ['passkey'] })).status).toBe(200);
  either = await tenantWithApp(idp, 'fabrikam');
  expect((await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/guestMfa', { state: 'enabled', methods: ['totp', 'passkey'] })).status).toBe(200);
  northwind = await tenantWithApp(idp, 'northwind');
  expect((await idp.admin('PATCH', '/admin/tenants/northwind/policies/guestMfa', { state: 'enabled', methods: ['totp', 'passkey'] })).status).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await smtp?.close();
});

interface Authenticator { userVerified: boolean }

/** A form field as the page's own code sees it (the tests compile without the DOM's types). */
interface PageField {
  value: string;
  form: { action: string; dataset: Record<string, string | undefined>; submit(): void };
}

/**
 * A browser context with a virtual platform authenticator (a passkey provider with a PIN or a
 * fingerprint reader). The app's callback host does not exist: the browser's request for it is
 * what the test takes the code from.
 */
async function passkeyBrowser(authenticator: Authenticator = { userVerified: true }, locale?: string): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession; authenticatorId: string }> {
  const context = await browser.newContext(locale ? { locale } : {});
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: authenticator.userVerified, automaticPresenceSimulation: true },
  });
  return { context, page, cdp, authenticatorId };
}

/** From the app's sign-in to the second factor: the address, Send code, the mailed code. */
async function firstFactor(page: Page, email: string, tenant: SignInFixture = fixture): Promise<RelyingParty> {
  const rp = await RelyingParty.discover(tenant.issuer, tenant.app, tenant.redirectUri);
  await page.goto(await rp.authorizationUrl({ login_hint: email }));
  // The forms by their place, not their words: the same steps in every language.
  await page.locator('form[action$="/send"] button[type="submit"]').first().click();
  await page.locator('input[name="code"]').fill(codeIn(await smtp.nextMessageTo(email)));
  await page.locator('form[action$="/verify"] button[type="submit"]').click();
  return rp;
}

/**
 * The ID token's claims once the browser goes back to the app: `action` is what sends it there.
 * The app's host (`.example`) never resolves: the browser's request carries the code all the same,
 * and the page is done once that request has failed and the browser's error page has loaded.
 */
async function backAtTheApp(page: Page, rp: RelyingParty, action: () => Promise<void>): Promise<Record<string, unknown>> {
  const callback = page.waitForEvent('requestfailed', (request) => rp.isCallback(request.url()) && new URL(request.url()).searchParams.get('state') === rp.state);
  await action();
  const url = (await callback).url();
  await page.waitForURL('chrome-error://chromewebdata/');
  const tokens = await rp.redeemCallback(url);
  return tokens.claims() as Record<string, unknown>;
}

/**
 * Posts the passkey page's form with `response` as the browser's answer (what a forger or a
 * replayer would send, with the page's own CSRF token); the answer's status once its page has loaded.
 */
async function postPasskeyForm(page: Page, response: string): Promise<number> {
  const action = new URL(page.url()).pathname;
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action);
  const loaded = page.waitForEvent('load');
  await page.locator('form[data-passkey] input[name="response"]').evaluate((node, value) => {
    const field = node as unknown as PageField;
    field.value = value;
    field.form.submit();
  }, response);
  const status = (await answer).status();
  await loaded;
  return status;
}

/** After the first enrolment the guest is shown recovery codes once; they confirm having kept them. */
async function keepRecoveryCodes(page: Page): Promise<void> {
  await page.waitForURL(/\/mfa\/recovery-codes$/);
  await page.locator('form[method="post"] button[type="submit"]').first().click();
}

/** Creates the guest's passkey on the enrolment page and keeps the recovery codes: back at the app. */
async function createPasskey(page: Page, rp: RelyingParty, button = 'Create a passkey'): Promise<Record<string, unknown>> {
  await page.getByRole('button', { name: button }).click();
  return backAtTheApp(page, rp, () => keepRecoveryCodes(page));
}

test('a guest under the MFA policy creates a passkey at first sign-in and signs in with it next time; the tokens say mfa and hwk', async () => {
  const email = 'adele.vance@fabrikam.example';
  const guest = await inviteGuest(idp, 'contoso', email);
  const { context, page, cdp, authenticatorId } = await passkeyBrowser();

  // First sign-in: the email code, then the passkey is created.
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const enrolPage = page.waitForResponse((response) => response.request().method() === 'GET' && response.url().endsWith('/mfa/passkey/enrol'));
  let rp = await firstFactor(page, email);
  await page.getByRole('heading', { name: 'Create a passkey' }).waitFor();
  expect((await enrolPage).headers()['content-security-policy']).toBe(PASSKEY_PAGE_CONTENT_SECURITY_POLICY);
  await page.getByRole('button', { name: 'Create a passkey' }).waitFor();
  expect(await page.locator('#passkey-unsupported').isHidden()).toBe(true);
  const creation = JSON.parse(await page.locator('form[data-passkey]').getAttribute('data-options') as string);
  expect(creation).toMatchObject({
    rp: { id: 'localhost', name: 'Contoso' }, user: { name: email }, attestation: 'none',
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  await screenshot(page, '60-passkey-enrol');
  const enrolAudit = await auditAccessibility(page);
  expect(enrolAudit.violations).toEqual([]);
  let claims = await createPasskey(page, rp);
  expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'hwk', 'mfa']));
  expect(claims.acr).toBe('mfa');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]!.signCount).toBeGreaterThanOrEqual(1);

  // The admin API lists it, as Graph lists a guest's methods.
  const methods = await idp.admin('GET', `/admin/tenants/contoso/users/${guest.invitedUser.id}/authenticationMethods`);
  expect(methods.status).toBe(200);
  expect(methods.body.value).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'passkey', displayName: 'Passkey' })]));

  // Next sign-in (a new session): the email code, then the passkey, with its counter moved on.
  await context.clearCookies();
  const verifyPage = page.waitForResponse((response) => response.request().method() === 'GET' && response.url().endsWith('/mfa/passkey/verify'));
  rp = await firstFactor(page, email);
  await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
  expect((await verifyPage).headers()['content-security-policy']).toBe(PASSKEY_PAGE_CONTENT_SECURITY_POLICY);
  await page.getByRole('button', { name: 'Use my passkey' }).waitFor();
  const request = JSON.parse(await page.locator('form[data-passkey]').getAttribute('data-options') as string);
  expect(request).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [{ id: Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url') }] });
  await screenshot(page, '61-passkey-verify');
  const verifyAudit = await auditAccessibility(page);
  expect(verifyAudit.violations).toEqual([]);
  claims = await backAtTheApp(page, rp, () => page.getByRole('button', { name: 'Use my passkey' }).click());
  expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'hwk', 'mfa']));
  expect(claims.acr).toBe('mfa');
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(after.credentials[0]!.signCount).toBeGreaterThan(credentials[0]!.signCount);

  // The sign-in log names both factors, as for an authenticator app.
  const log = await idp.admin('GET', `/admin/tenants/contoso/signIns?$filter=${encodeURIComponent(`userId eq '${guest.invitedUser.id}'`)}`);
  expect(log.body.value.slice(0, 2).map((entry: { authenticationMethod: string; status: { errorCode: number } }) => [entry.authenticationMethod, entry.status.errorCode]))
    .toEqual([['Email one-time passcode, then Passkey', 0], ['Email one-time passcode, then Passkey', 0]]);
  // Both script files came from our origin under the page's CSP: Chromium refused nothing.
  expect(violations).toEqual([]);
  await context.close();
});

test('an assertion posted again (replayed) or made up is refused, and the guest can still sign in with a fresh one', async () => {
  const email = 'lee.gu@fabrikam.example';
  await inviteGuest(idp, 'contoso', email);
  const { context, page } = await passkeyBrowser();
  let rp = await firstFactor(page, email);
  await createPasskey(page, rp);

  // A sign-in with the passkey, its posted assertion kept as someone on the wire would.
  await context.clearCookies();
  rp = await firstFactor(page, email);
  const posted = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/mfa/passkey/verify'));
  await backAtTheApp(page, rp, () => page.getByRole('button', { name: 'Use my passkey' }).click());
  const assertion = new URLSearchParams((await posted).postData() ?? '').get('response');
  expect(assertion).toContain('authenticatorData');

  // The next sign-in's passkey page gets the old assertion (with this page's own CSRF token).
  await context.clearCookies();
  rp = await firstFactor(page, email);
  await page.getByRole('button', { name: 'Use my passkey' }).waitFor();
  const postForm = (response: string) => postPasskeyForm(page, response);
  expect(await postForm(assertion as string)).toBe(400);
  await page.getByRole('alert').filter({ hasText: 'couldn’t be verified' }).waitFor();
  await screenshot(page, '62-passkey-replayed');
  expect(await postForm('{"id":"x","rawId":"x","type":"public-key","response":{}}')).toBe(400);
  expect(await postForm('not json')).toBe(400);

  // Still no way in but a real assertion for the page's challenge.
  const claims = await backAtTheApp(page, rp, () => page.getByRole('button', { name: 'Use my passkey' }).click());
  expect(claims.amr).toEqual(expect.arrayContaining(['hwk', 'mfa']));
  recordFinding({ kind: 'attack', name: 'Passkey assertion replayed in a browser', tried: 'a captured passkey assertion posted on the next sign-in’s page with that page’s CSRF token, and two forged responses', times: 3, result: 'each refused with 400 and the page again; a fresh assertion then signed the guest in' });
  await context.close();
});

test('failed passkeys count toward the guest’s second-factor lock-out, like wrong codes', async () => {
  const email = 'johanna.lorenz@fabrikam.example';
  await inviteGuest(idp, 'contoso', email);
  const { context, page } = await passkeyBrowser();
  await firstFactor(page, email);
  await page.getByRole('button', { name: 'Create a passkey' }).waitFor();
  const statuses: number[] = [];
  for (let tries = 0; tries < SECOND_FACTOR_FAILURE_LIMIT.points; tries += 1) {
    statuses.push(await postPasskeyForm(page, '{"id":"forged","rawId":"forged","type":"public-key","response":{}}'));
  }
  expect(statuses).toEqual([...Array(SECOND_FACTOR_FAILURE_LIMIT.points - 1).fill(400), 429]);
  await page.getByRole('heading', { name: 'Too many wrong tries' }).waitFor();
  await context.close();
});

test('a passkey without user verification (no PIN or biometric) is refused, by the browser and by us', async () => {
  const email = 'megan.bowen@fabrikam.example';
  await inviteGuest(idp, 'contoso', email);
  const { context, page, cdp, authenticatorId } = await passkeyBrowser({ userVerified: false });
  await firstFactor(page, email);
  await page.getByRole('heading', { name: 'Create a passkey' }).waitFor();

  // The page asks for user verification: the authenticator cannot give it, and the page says so.
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.getByRole('alert').filter({ hasText: 'didn’t work' }).waitFor();
  await screenshot(page, '63-passkey-failed');

  // A security key that cannot verify anyone, and a client that asks for less than the page did,
  // make a credential without the UV flag: we refuse it.
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: false, automaticPresenceSimulation: true },
  });
  const made = await page.locator('form[data-passkey]').evaluate(async (node) => {
    const form = node as unknown as PageField['form'];
    const optionsJSON = JSON.parse(form.dataset.options as string) as Record<string, unknown>;
    optionsJSON.authenticatorSelection = { residentKey: 'discouraged', userVerification: 'discouraged' };
    const webauthn = (globalThis as unknown as { SimpleWebAuthnBrowser: { startRegistration(options: unknown): Promise<unknown> } }).SimpleWebAuthnBrowser;
    return JSON.stringify(await webauthn.startRegistration({ optionsJSON }));
  });
  const status = await postPasskeyForm(page, made);
  expect(status).toBe(400);
  await context.close();
});

test('without script the passkey page says so and offers the other method: no dead end', async () => {
  const email = 'isaiah.langer@contoso.example';
  await inviteGuest(idp, 'fabrikam', email);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await firstFactor(page, email, either);
  await page.getByRole('link', { name: 'Passkey' }).click();
  await page.getByRole('heading', { name: 'Create a passkey' }).waitFor();
  expect(await page.getByText('Passkeys need JavaScript').isVisible()).toBe(true);
  expect(await page.getByRole('button', { name: 'Create a passkey' }).isVisible()).toBe(false);
  await screenshot(page, '64-passkey-without-script');
  await page.getByRole('link', { name: 'Set up another method instead' }).click();
  await page.waitForURL(/\/mfa\/choose$/);
  await context.close();
});

test.each(['de', 'fr', 'es'] as const)('the passkey pages in %s: translated, axe-clean, the failure said in the language too', async (locale) => {
  const email = `passkey-${locale}@fabrikam.example`;
  await inviteGuest(idp, 'contoso', email);
  const { context, page } = await passkeyBrowser({ userVerified: true }, locale);
  const rp = await firstFactor(page, email);
  await page.getByRole('heading', { name: t(locale, 'passkey.enrol.title') }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe(locale);
  await page.getByRole('button', { name: t(locale, 'passkey.enrol.button') }).waitFor();
  expect((await auditAccessibility(page)).violations).toEqual([]);
  await screenshot(page, `65-passkey-enrol-${locale}`);
  await createPasskey(page, rp, t(locale, 'passkey.enrol.button'));

  await context.clearCookies();
  await firstFactor(page, email);
  await page.getByRole('heading', { name: t(locale, 'passkey.verify.title') }).waitFor();
  expect(await postPasskeyForm(page, 'not json')).toBe(400);
  await page.getByRole('alert').filter({ hasText: t(locale, 'notice.passkeyRejected') }).waitFor();
  expect((await auditAccessibility(page)).violations).toEqual([]);
  await screenshot(page, `66-passkey-verify-refused-${locale}`);
  await context.close();
});

/**
 * Moves the keyboard focus forward with Tab until it is on the link to `path` (at most 20 stops),
 * then follows it with Enter: the choice works without a mouse.
 */
async function chooseByKeyboard(page: Page, path: string): Promise<void> {
  for (let stops = 0; stops < 20; stops += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('href') ?? '');
    if (focused.endsWith(path)) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  throw new Error(`no link to ${path} within 20 Tab stops`);
}

test('the method choice page: enrol mode when both are allowed, verify mode once the guest holds both; axe-clean, by keyboard', async () => {
  const email = 'alex.wilber@fabrikam.example';
  const guest = await inviteGuest(idp, 'northwind', email);
  const { context, page } = await passkeyBrowser();

  // First sign-in: nothing set up, both allowed: the choice of what to set up.
  let rp = await firstFactor(page, email, northwind);
  await page.getByRole('heading', { name: 'Set up a second way to sign in' }).waitFor();
  expect(new URL(page.url()).pathname).toMatch(/\/mfa\/choose$/);
  expect(await page.getByRole('link', { name: 'Authenticator app' }).isVisible()).toBe(true);
  expect(await page.getByRole('link', { name: 'Passkey' }).getAttribute('aria-describedby')).toBe('choice-passkey-hint');
  expect(await page.locator('#choice-passkey-hint').textContent()).toBe(t('en', 'passkey.description'));
  // Nothing to recover yet: no recovery-code link in enrol mode.
  expect(await page.getByRole('link', { name: 'Use a recovery code instead' }).count()).toBe(0);
  expect((await auditAccessibility(page)).violations).toEqual([]);
  await screenshot(page, '67-mfa-choose-enrol');
  await chooseByKeyboard(page, '/mfa/totp/enrol');
  await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
  const secret = (await page.locator('.secret-key code').textContent())!.replace(/\s/g, '');
  await page.getByLabel('Code from the app').fill(totpCode(secret));
  let claims = await backAtTheApp(page, rp, async () => {
    await page.getByRole('button', { name: 'Continue' }).click();
    await keepRecoveryCodes(page);
  });
  expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));

  // A guest enrols a second method only when none of theirs is allowed: the tenant narrows the
  // policy to passkeys, so the next sign-in sets one up (no new recovery codes: they have them).
  expect((await idp.admin('PATCH', '/admin/tenants/northwind/policies/guestMfa', { methods: ['passkey'] })).status).toBe(200);
  await context.clearCookies();
  rp = await firstFactor(page, email, northwind);
  await page.getByRole('heading', { name: 'Create a passkey' }).waitFor();
  claims = await backAtTheApp(page, rp, () => page.getByRole('button', { name: 'Create a passkey' }).click());
  expect(claims.amr).toEqual(expect.arrayContaining(['hwk', 'mfa']));
  const methods = await idp.admin('GET', `/admin/tenants/northwind/users/${guest.invitedUser.id}/authenticationMethods`);
  expect(methods.body.value.map((method: { type: string }) => method.type).sort()).toEqual(['passkey', 'recoveryCodes', 'totp']);

  // Both allowed again, both held: the choice page in verify mode.
  expect((await idp.admin('PATCH', '/admin/tenants/northwind/policies/guestMfa', { methods: ['totp', 'passkey'] })).status).toBe(200);
  await context.clearCookies();
  rp = await firstFactor(page, email, northwind);
  await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
  expect(new URL(page.url()).pathname).toMatch(/\/mfa\/choose$/);
  expect(await page.getByRole('link', { name: 'Use a recovery code instead' }).isVisible()).toBe(true);
  expect((await auditAccessibility(page)).violations).toEqual([]);
  await screenshot(page, '68-mfa-choose-verify');
  await chooseByKeyboard(page, '/mfa/passkey/verify');
  await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
  claims = await backAtTheApp(page, rp, () => page.getByRole('button', { name: 'Use my passkey' }).click());
  expect(claims.amr).toEqual(expect.arrayContaining(['hwk', 'mfa']));

  // The authenticator app from the same page; its page leads back to the choice.
  await context.clearCookies();
  rp = await firstFactor(page, email, northwind);
  await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
  await page.getByRole('link', { name: 'Authenticator app' }).click();
  await page.getByRole('heading', { name: 'Enter the code from your app' }).waitFor();
  await page.getByRole('link', { name: 'Use another method' }).click();
  await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
  await chooseByKeyboard(page, '/mfa/totp/verify');
  await page.getByLabel('Code', { exact: true }).fill(totpCode(secret, 1));
  claims = await backAtTheApp(page, rp, () => page.getByRole('button', { name: 'Sign in' }).click());
  expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
  expect(claims.acr).toBe('mfa');
  await context.close();
});

test('the method choice page in German: translated and axe-clean', async () => {
  const email = 'choice-de@fabrikam.example';
  await inviteGuest(idp, 'northwind', email);
  const { context, page } = await passkeyBrowser({ userVerified: true }, 'de');
  await firstFactor(page, email, northwind);
  await page.getByRole('heading', { name: t('de', 'mfa.choose.enrolTitle') }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('de');
  expect(await page.getByRole('link', { name: t('de', 'totp.name') }).isVisible()).toBe(true);
  expect(await page.getByText(t('de', 'passkey.description')).isVisible()).toBe(true);
  expect((await auditAccessibility(page)).violations).toEqual([]);
  await screenshot(page, '69-mfa-choose-enrol-de');
  await context.close();
});
