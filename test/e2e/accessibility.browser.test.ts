import type { Browser, Locator, Page } from 'playwright-core';

import { auditAccessibility, type AxeReport } from '../support/axe.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { contrastRatio, luminance, parseColor } from '../support/contrast.ts';
import { type DemoApp, startDemoApp } from '../support/demo-app.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { requireRedisUrl, type RunningIdp, startIdp } from '../support/idp.ts';
import { watchRedisExpiry } from '../support/redis-expiry.ts';
import { freePort } from '../support/redis-server.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, startSignIn, tenantWithApp, type SignInFixture } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { type Locale, type MessageKey, type MessageValues, t } from '../../src/i18n/translate.ts';
import { PASSCODE_MAX_ATTEMPTS } from '../../src/limits.ts';

/**
 * WCAG 2.2 AA on every page and state a guest can meet today, checked by axe-core in Chromium in
 * four looks each: light and dark colour scheme (prefers-color-scheme), at desktop and at phone
 * width. Zero violations. axe checks text contrast; the non-text contrast of 1.4.11 (control
 * borders, placeholders, the focus ring) is measured here. And the whole sign-in by keyboard alone. Every look is saved to test/e2e/screenshots/a11y-<state>-<look>.png, and
 * a few at 640 px for the README (readme-*.png, copied by hand to docs/screenshots/).
 *
 * The other languages (German, French, Spanish) get every page too, found by the catalogue's own
 * words (`t`), in the light look at desktop and phone width, with a check that nothing overflows:
 * long German words in a button at 360 px are where a translation breaks a layout.
 * Their screenshots are a11y-<locale>-<state>-<look>.png.
 */

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const LOOKS = [
  { name: 'light', colorScheme: 'light', viewport: DESKTOP },
  { name: 'dark', colorScheme: 'dark', viewport: DESKTOP },
  { name: 'phone-light', colorScheme: 'light', viewport: PHONE },
  { name: 'phone-dark', colorScheme: 'dark', viewport: PHONE },
] as const;
/** States shown in the README, at 640 px wide. */
const README_STATES = new Set(['sign-in', 'send-code', 'enter-code-wrong-code']);

type Reports = Array<{ state: string; look: string; report: AxeReport; controls: string[] }>;

let smtp: SmtpListener;
let idp: RunningIdp;
let app: DemoApp;
let browser: Browser;
let contoso: SignInFixture;
let fabrikam: SignInFixture;
let counter = 0;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso', ['contoso.example']);
  const port = await freePort();
  const client = await idp.admin('POST', '/admin/tenants/contoso/clients', {
    client_name: 'Contoso Expenses', redirect_uris: [`http://localhost:${port}/callback`],
  });
  app = await startDemoApp(contoso.issuer, client.body, port);
  fabrikam = await tenantWithApp(idp, 'fabrikam');
  expect((await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/emailOtp', { state: 'disabled' })).status).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
  await smtp?.close();
});

async function invitedAddress(tenant = contoso, on = idp): Promise<string> {
  counter += 1;
  const email = `guest${counter}@partner.example`;
  await inviteGuest(on, tenant.tenantId, email);
  return email;
}

/** axe and a screenshot of the page as it is now, in each look; the reports of the test so far. */
async function checkInEveryLook(page: Page, state: string, reports: Reports): Promise<void> {
  for (const look of LOOKS) {
    await page.emulateMedia({ colorScheme: look.colorScheme });
    await page.setViewportSize(look.viewport);
    const controls = [...await controlContrastProblems(page), ...await lookProblems(page, look.colorScheme, look.viewport === PHONE)];
    reports.push({ state, look: look.name, report: await auditAccessibility(page), controls });
    await screenshot(page, `a11y-${state}-${look.name}`);
    if (README_STATES.has(state) && look.viewport === DESKTOP) {
      await page.setViewportSize({ width: 640, height: 720 });
      await screenshot(page, `readme-${state}-${look.name}`);
    }
  }
}

/** Every violation found, one readable block per page and look (an empty list when there are none). */
function violationsIn(reports: Reports): string[] {
  for (const { state, report } of reports) expect({ state, passes: report.passes > 0 }).toEqual({ state, passes: true });
  return reports.filter(({ report, controls }) => report.violations.length > 0 || controls.length > 0)
    .map(({ state, look, report, controls }) => `[${state}, ${look}] ${report.violations.length > 0 ? report.summary : ''}${controls.join('; ')}`);
}

interface ComputedColours {
  color: string; backgroundColor: string; borderTopColor: string; borderLeftWidth: string; borderTopLeftRadius: string;
  outlineColor: string; outlineStyle: string; outlineWidth: string;
}
interface InPage {
  document: { activeElement: unknown; querySelector(selector: string): unknown; querySelectorAll(selector: string): ArrayLike<{ id: string; hasAttribute(name: string): boolean }> };
  getComputedStyle(element: unknown, pseudo?: string): ComputedColours;
}

/**
 * The page follows the colour scheme (a dark card under dark), and at phone width the card keeps
 * its frame: a border, rounded corners and a margin to the screen's edge.
 */
async function lookProblems(page: Page, colorScheme: 'light' | 'dark', phone: boolean): Promise<string[]> {
  const card = await page.evaluate(() => {
    const view = globalThis as unknown as InPage;
    const element = view.document.querySelector('.card') as { getBoundingClientRect(): { left: number } };
    const style = view.getComputedStyle(element);
    return { background: style.backgroundColor, border: parseFloat(style.borderLeftWidth), radius: parseFloat(style.borderTopLeftRadius), left: element.getBoundingClientRect().left };
  });
  const problems: string[] = [];
  const dark = luminance(parseColor(card.background)) < 0.1;
  if (dark !== (colorScheme === 'dark')) problems.push(`card ${card.background} under the ${colorScheme} scheme`);
  if (phone && (card.border < 1 || card.radius < 4 || card.left < 4)) problems.push(`card frame at phone width: border ${card.border}px, radius ${card.radius}px, ${card.left}px from the edge`);
  return problems;
}

/**
 * WCAG 1.4.11 and 1.4.3 where axe does not look: each text field's border at 3:1 against the
 * card, its placeholder at 4.5:1 against the field (a placeholder is text).
 */
async function controlContrastProblems(page: Page): Promise<string[]> {
  const fields = await page.evaluate(() => {
    const view = globalThis as unknown as InPage;
    const card = view.getComputedStyle(view.document.querySelector('.card')).backgroundColor;
    return Array.from(view.document.querySelectorAll('input[type=text], input[type=email]')).map((input) => {
      const style = view.getComputedStyle(input);
      return {
        id: input.id, card, field: style.backgroundColor, border: style.borderTopColor,
        placeholder: input.hasAttribute('placeholder') ? view.getComputedStyle(input, '::placeholder').color : undefined,
      };
    });
  });
  return fields.flatMap(({ id, card, field, border, placeholder }) => {
    const problems: string[] = [];
    const edge = contrastRatio(border, card);
    if (edge < 3) problems.push(`#${id} border ${border} on ${card}: ${edge}:1, under 3:1`);
    const hint = placeholder === undefined ? undefined : contrastRatio(placeholder, field);
    if (hint !== undefined && hint < 4.5) problems.push(`#${id} placeholder ${placeholder} on ${field}: ${hint}:1, under 4.5:1`);
    return problems;
  });
}

async function toPage(page: Page, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { name: heading, exact: typeof heading === 'string' }).first().waitFor();
}

test('the email-code sign-in: empty, invalid address, send code, enter code, wrong code, resend too soon; then sign-out', async () => {
  const reports: Reports = [];
  const email = await invitedAddress();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(8000);

  await page.goto(`${app.origin}/login`);
  await toPage(page, 'Sign in');
  await checkInEveryLook(page, 'sign-in', reports);

  // The browser lets a dotless domain through; the server refuses it with its own message.
  await page.getByLabel('Email address').fill('name@example');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('alert').waitFor();
  await checkInEveryLook(page, 'sign-in-invalid-address', reports);

  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await toPage(page, 'Get a code to sign in');
  await checkInEveryLook(page, 'send-code', reports);

  await page.getByRole('button', { name: 'Send code' }).click();
  await toPage(page, 'Enter code');
  const code = codeIn(await smtp.nextMessageTo(email));
  await checkInEveryLook(page, 'enter-code', reports);

  await page.getByLabel('Code', { exact: true }).fill(String((Number(code) + 1) % 1e8).padStart(8, '0'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That code isn’t right').waitFor();
  await checkInEveryLook(page, 'enter-code-wrong-code', reports);

  await page.getByRole('button', { name: 'Send a new code' }).click();
  await page.getByText('We just sent a code').waitFor();
  await checkInEveryLook(page, 'send-code-too-soon', reports);

  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${app.origin}/callback**`);

  await page.goto(`${app.origin}/logout`);
  await toPage(page, /^Sign out/);
  await checkInEveryLook(page, 'sign-out', reports);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await toPage(page, 'You have signed out');
  await checkInEveryLook(page, 'signed-out', reports);
  await context.close();

  expect(violationsIn(reports)).toEqual([]);
}, 120_000);

test('locked out: the address had ten wrong codes', async () => {
  const reports: Reports = [];
  const email = await invitedAddress();
  // Ten wrong codes over HTTP: five kill the first code, five more on a new one lock the address.
  const guest = new GuestAgent();
  const { page: sendPage } = await startSignIn(guest, contoso, email);
  let entering = await guest.submit(sendPage, '/send');
  for (let round = 0; round < 2; round += 1) {
    const wrong = String((Number(codeIn(await smtp.nextMessageTo(email))) + 1) % 1e8).padStart(8, '0');
    for (let attempt = 0; attempt < 5; attempt += 1) await guest.submit(entering, '/verify', { code: wrong });
    if (round === 0) entering = await guest.submit(entering, '/send');
  }

  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
  await page.goto(await rp.authorizationUrl({ login_hint: email }));
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo(email)));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Too many wrong codes for this address').waitFor();
  await checkInEveryLook(page, 'enter-code-locked-out', reports);
  await context.close();

  expect(violationsIn(reports)).toEqual([]);
}, 60_000);

test('an expired code', async () => {
  const reports: Reports = [];
  const shortLived = await startIdp({ env: { SMTP_URL: smtp.url, OTP_TTL_SECONDS: '1' } });
  const context = await browser.newContext();
  try {
    const fixture = await tenantWithApp(shortLived, 'expiring');
    const email = await invitedAddress(fixture, shortLived);
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
    await page.goto(await rp.authorizationUrl({ login_hint: email }));
    await toPage(page, 'Get a code to sign in');
    const uid = /\/interaction\/([^/?]+)/.exec(page.url())![1]!;
    const watch = await watchRedisExpiry(requireRedisUrl(), shortLived.keys.passcode('expiring', uid));
    try {
      await page.getByRole('button', { name: 'Send code' }).click();
      await toPage(page, 'Enter code');
      await watch.expired;
    } finally {
      await watch.stop();
    }
    await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo(email)));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That code has expired').waitFor();
    await checkInEveryLook(page, 'enter-code-expired', reports);
  } finally {
    await context.close();
    await shortLived.close();
  }

  expect(violationsIn(reports)).toEqual([]);
}, 60_000);

test('no sign-in method, and the pages of a lost guest: tenant-less, unknown organization, unknown tenant, errors', async () => {
  const reports: Reports = [];
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(8000);

  // Fabrikam has email codes off, and this address was never invited there.
  const rp = await RelyingParty.discover(fabrikam.issuer, fabrikam.app, fabrikam.redirectUri);
  await page.goto(await rp.authorizationUrl());
  await page.getByLabel('Email address').fill('someone@elsewhere.example');
  await page.getByRole('button', { name: 'Next' }).click();
  await toPage(page, 'We can’t sign you in with this address');
  await checkInEveryLook(page, 'no-method', reports);

  await page.goto(`${idp.baseUrl}/common/oauth2/v2.0/authorize?client_id=x`);
  await toPage(page, 'Use your organization’s sign-in link');
  await checkInEveryLook(page, 'tenant-required', reports);
  await page.getByLabel('Sign in to an organization').fill('nowhere.example');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').waitFor();
  await checkInEveryLook(page, 'tenant-required-not-found', reports);

  await page.goto(`${idp.baseUrl}/nobody/v2.0/auth?client_id=x`);
  await toPage(page, 'We could not find that organization');
  await checkInEveryLook(page, 'unknown-tenant', reports);

  await page.goto(`${idp.baseUrl}/contoso/v2.0/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2F`);
  await toPage(page, 'This app can’t sign you in');
  await checkInEveryLook(page, 'error-bad-client', reports);

  await page.goto(`${idp.baseUrl}/contoso/v2.0/redeem?ticket=used`);
  await page.getByRole('heading').first().waitFor();
  await checkInEveryLook(page, 'error-used-invitation', reports);

  await page.goto(`${idp.baseUrl}/contoso/v2.0/interaction/no-such-attempt`);
  await toPage(page, 'This sign-in has expired');
  await checkInEveryLook(page, 'error-expired-sign-in', reports);
  await context.close();

  // The auto-posting page as a guest without JavaScript sees it: its script is not let through
  // (a context without JavaScript would stop axe too).
  const noScript = await browser.newContext();
  const still = await noScript.newPage();
  await still.route('**/static/auto-submit.js', (route) => route.abort());
  await still.goto(`${idp.baseUrl}/contoso/v2.0/session/end`);
  await toPage(still, 'Signing you out');
  await checkInEveryLook(still, 'auto-post', reports);
  await noScript.close();

  expect(violationsIn(reports)).toEqual([]);
}, 120_000);

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === (globalThis as unknown as InPage).document.activeElement);
}

/** Presses Tab until the target has the focus (it may have it already), as a keyboard user would. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let presses = 0; presses < 20; presses += 1) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`20 presses of Tab did not reach ${target}`);
}

/** The focused element shows a ring (:focus-visible) of 2 px or more at 3:1 against the card, in light and dark. */
async function expectVisibleFocus(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const ring = await page.evaluate(() => {
      const view = globalThis as unknown as InPage;
      const focused = view.document.activeElement as { matches(selector: string): boolean };
      const style = view.getComputedStyle(focused);
      return {
        focusVisible: focused.matches(':focus-visible'), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
        color: style.outlineColor, card: view.getComputedStyle(view.document.querySelector('.card')).backgroundColor,
      };
    });
    expect({ colorScheme, focusVisible: ring.focusVisible, solid: ring.style !== 'none', wide: ring.width >= 2, contrast: contrastRatio(ring.color, ring.card) >= 3 })
      .toEqual({ colorScheme, focusVisible: true, solid: true, wide: true, contrast: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('the whole sign-in with the keyboard alone: address, Send code, the mailed code, back at the app with tokens', async () => {
  const email = await invitedAddress();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const clicks: string[] = [];
  // Any mouse event at all would be a click the test did not mean: keyboard.press and type only.
  await page.exposeBinding('reportPointer', (_source, type: string) => { clicks.push(type); });
  await context.addInitScript({ content: `for (const type of ['mousedown', 'pointerdown']) addEventListener(type, () => reportPointer(type), true);` });

  await page.goto(`${app.origin}/login`);
  await toPage(page, 'Sign in');
  const address = page.getByLabel('Email address');
  await tabTo(page, address);
  await expectVisibleFocus(page);
  await page.keyboard.type(email);
  await tabTo(page, page.getByRole('button', { name: 'Next' }));
  await expectVisibleFocus(page);
  await page.keyboard.press('Enter');

  await toPage(page, 'Get a code to sign in');
  await tabTo(page, page.getByRole('button', { name: 'Send code' }));
  await expectVisibleFocus(page);
  await page.keyboard.press('Enter');

  await toPage(page, 'Enter code');
  const code = codeIn(await smtp.nextMessageTo(email));
  const codeField = page.getByLabel('Code', { exact: true });
  await tabTo(page, codeField);
  await page.keyboard.type(String((Number(code) + 1) % 1e8).padStart(8, '0'));
  await page.keyboard.press('Enter');

  // The error is announced: the focus is back on the field, marked invalid and described by the
  // message, and the message is an alert (a live region).
  await page.getByRole('alert').filter({ hasText: 'That code isn’t right' }).waitFor();
  expect(await isFocused(codeField)).toBe(true);
  expect(await codeField.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await codeField.getAttribute('aria-describedby') ?? '').split(/\s+/);
  const descriptions = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
  expect(descriptions.join(' ')).toContain('That code isn’t right');

  await page.keyboard.type(code);
  await tabTo(page, page.getByRole('button', { name: 'Sign in' }));
  await expectVisibleFocus(page);
  await page.keyboard.press('Enter');

  await page.waitForURL(`${app.origin}/callback**`);
  expect(await page.locator('#who').textContent()).toBe(email);
  expect(JSON.parse((await page.locator('#claims').textContent())!)).toMatchObject({ email, amr: ['otp'], tid: 'contoso' });
  expect(clicks).toEqual([]);
  await context.close();
}, 60_000);

/**
 * Horizontal overflow at this width: the page wider than the screen, or a control, heading or
 * paragraph whose text does not fit in its box (a long word that cannot wrap).
 */
async function overflowProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    interface Box { tagName: string; textContent: string | null; scrollWidth: number; clientWidth: number }
    const view = globalThis as unknown as { innerWidth: number; document: { documentElement: Box; querySelectorAll(selector: string): ArrayLike<Box> } };
    const problems: string[] = [];
    const root = view.document.documentElement;
    if (root.scrollWidth > view.innerWidth) problems.push(`page ${root.scrollWidth}px wide at ${view.innerWidth}px`);
    for (const element of Array.from(view.document.querySelectorAll('button, a, label, h1, p, .brand-name'))) {
      if (element.scrollWidth > element.clientWidth + 1) problems.push(`<${element.tagName.toLowerCase()}> "${(element.textContent ?? '').trim().slice(0, 40)}" ${element.scrollWidth}px in ${element.clientWidth}px`);
    }
    return problems;
  });
}

/** axe, the overflow check and a screenshot of a page in another language, in every look: light and dark, desktop and phone. */
async function checkInLanguage(page: Page, locale: Locale, state: string, reports: Reports): Promise<void> {
  for (const look of LOOKS) {
    await page.emulateMedia({ colorScheme: look.colorScheme });
    await page.setViewportSize(look.viewport);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    const controls = [...await controlContrastProblems(page), ...await lookProblems(page, look.colorScheme, look.viewport === PHONE), ...await overflowProblems(page)];
    reports.push({ state: `${locale} ${state}`, look: look.name, report: await auditAccessibility(page), controls });
    await screenshot(page, `a11y-${locale}-${state}-${look.name}`);
  }
}

test.each(['de', 'fr', 'es'] as const)('every page in %s, chosen by the browser’s language with a region: sign-in, codes, no method, errors, sign-out, tenant-less', async (locale) => {
  const text = (key: MessageKey, values?: MessageValues) => t(locale, key, values);
  const reports: Reports = [];
  const email = await invitedAddress();
  // Playwright sends the context's locale as Accept-Language: a region the catalogues do not name.
  const context = await browser.newContext({ locale: `${locale}-${locale === 'de' ? 'AT' : locale === 'fr' ? 'CA' : 'MX'}` });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);

  await page.goto(`${app.origin}/login`);
  await toPage(page, text('signIn.heading'));
  await checkInLanguage(page, locale, 'sign-in', reports);

  await page.getByLabel(text('signIn.emailLabel')).fill(email);
  await page.getByRole('button', { name: text('signIn.next') }).click();
  await toPage(page, text('sendCode.title'));
  await checkInLanguage(page, locale, 'send-code', reports);

  await page.getByRole('button', { name: text('sendCode.send') }).click();
  await toPage(page, text('enterCode.title'));
  const code = codeIn(await smtp.nextMessageTo(email));
  await checkInLanguage(page, locale, 'enter-code', reports);

  await page.getByLabel(text('enterCode.codeLabel'), { exact: true }).fill(String((Number(code) + 1) % 1e8).padStart(8, '0'));
  await page.getByRole('button', { name: text('enterCode.signIn'), exact: true }).click();
  await page.getByText(text('notice.codeWrong', { attemptsLeft: PASSCODE_MAX_ATTEMPTS - 1 })).waitFor();
  await checkInLanguage(page, locale, 'enter-code-wrong-code', reports);

  await page.getByLabel(text('enterCode.codeLabel'), { exact: true }).fill(code);
  await page.getByRole('button', { name: text('enterCode.signIn'), exact: true }).click();
  await page.waitForURL(`${app.origin}/callback**`);

  await page.goto(`${app.origin}/logout`);
  await toPage(page, text('signOut.title', { tenantName: 'Contoso' }));
  await checkInLanguage(page, locale, 'sign-out', reports);
  await page.getByRole('button', { name: text('signOut.confirm'), exact: true }).click();
  await toPage(page, text('signedOut.title'));
  await checkInLanguage(page, locale, 'signed-out', reports);

  const rp = await RelyingParty.discover(fabrikam.issuer, fabrikam.app, fabrikam.redirectUri);
  await page.goto(await rp.authorizationUrl());
  await page.getByLabel(text('signIn.emailLabel')).fill('someone@elsewhere.example');
  await page.getByRole('button', { name: text('signIn.next') }).click();
  await toPage(page, text('noMethod.title'));
  await checkInLanguage(page, locale, 'no-method', reports);

  await page.goto(`${idp.baseUrl}/contoso/v2.0/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2F`);
  await toPage(page, text('problem.badClient.title'));
  await checkInLanguage(page, locale, 'error-bad-client', reports);

  await page.goto(`${idp.baseUrl}/common/oauth2/v2.0/authorize?client_id=x`);
  await toPage(page, text('tenantRequired.title'));
  await checkInLanguage(page, locale, 'tenant-required', reports);
  await context.close();

  expect(violationsIn(reports)).toEqual([]);
}, 90_000);
