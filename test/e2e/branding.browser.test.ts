import type { Browser, Page } from 'playwright-core';

import { auditAccessibility, type AxeReport } from '../support/axe.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { contrastRatio } from '../support/contrast.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { pngImage } from '../support/images.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * A branded tenant's pages in Chromium, as a guest sees them under the strict CSP: the logo loads
 * and keeps its proportions, the background is the tenant's colour (from its stylesheet), the footer
 * on it stays readable (4.5:1), the sign-in text and hint are there, and axe finds nothing, light
 * and dark. Screenshots: test/e2e/screenshots/branded-<state>-<look>.png, and
 * readme-branded-sign-in-light.png at 640 px (docs/screenshots/branded-sign-in.png, copied by hand).
 */

const BACKGROUND = '#0A4C8B';
const LOOKS = ['light', 'dark'] as const;

let smtp: SmtpListener;
let idp: RunningIdp;
let browser: Browser;
let contoso: SignInFixture;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso');
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/branding', {
    backgroundColor: BACKGROUND,
    signInPageText: 'Contoso partners: sign in with the address your invitation went to. Help desk: +1 555 0100.',
    usernameHintText: 'name@partner.example',
    customPrivacyAndCookiesUrl: 'https://contoso.example/privacy',
    customTermsOfUseUrl: 'https://contoso.example/terms',
  })).status).toBe(200);
  // Twice as wide as high: the page must fit it into the square without stretching it.
  const logo = await fetch(`${idp.baseUrl}/admin/tenants/contoso/branding/squareLogo`, {
    method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body: pngImage(160, 80, [242, 200, 17]),
  });
  expect(logo.status).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await smtp?.close();
});

interface Rendered {
  background: string;
  footerText: string;
  footerLinks: string[];
  logo: { complete: boolean; naturalWidth: number; naturalHeight: number; width: number; height: number; objectFit: string; alt: string };
  placeholder: string | null;
  signInText: string | undefined;
}

/** What Chromium made of the page: computed colours, the logo as drawn, the texts. */
async function rendered(page: Page): Promise<Rendered> {
  return page.evaluate(() => {
    const view = globalThis as unknown as {
      document: { documentElement: unknown; querySelector(selector: string): any; querySelectorAll(selector: string): ArrayLike<unknown> };
      getComputedStyle(element: unknown): { backgroundColor: string; color: string; objectFit: string };
    };
    const logo = view.document.querySelector('.brand-logo');
    const box = logo.getBoundingClientRect();
    return {
      background: view.getComputedStyle(view.document.documentElement).backgroundColor,
      footerText: view.getComputedStyle(view.document.querySelector('.page-footer')).color,
      footerLinks: Array.from(view.document.querySelectorAll('.page-footer a')).map((link) => view.getComputedStyle(link).color),
      logo: {
        complete: logo.complete, naturalWidth: logo.naturalWidth, naturalHeight: logo.naturalHeight,
        width: box.width, height: box.height, objectFit: view.getComputedStyle(logo).objectFit, alt: logo.alt,
      },
      placeholder: view.document.querySelector('#email')?.getAttribute('placeholder') ?? null,
      signInText: view.document.querySelector('.sign-in-text')?.textContent,
    };
  });
}

/** The branding shows and holds up, in each look; axe's report and a screenshot of each. */
async function checkBranded(page: Page, state: string, reports: Array<{ state: string; look: string; report: AxeReport }>): Promise<Rendered[]> {
  const looks: Rendered[] = [];
  for (const look of LOOKS) {
    await page.emulateMedia({ colorScheme: look });
    await page.setViewportSize({ width: 1280, height: 800 });
    const seen = await rendered(page);
    looks.push(seen);
    // The tenant's colour in light and dark alike; text and links on it at 4.5:1 at least.
    expect(seen.background).toBe('rgb(10, 76, 139)');
    expect(contrastRatio(seen.footerText, seen.background)).toBeGreaterThanOrEqual(4.5);
    expect(seen.footerLinks).toHaveLength(2);
    for (const link of seen.footerLinks) expect(contrastRatio(link, seen.background)).toBeGreaterThanOrEqual(4.5);
    // Loaded (the CSP let it in), named, within 40 px and not stretched.
    expect(seen.logo).toMatchObject({ complete: true, naturalWidth: 160, naturalHeight: 80, width: 40, height: 40, objectFit: 'contain', alt: 'Contoso' });
    reports.push({ state, look, report: await auditAccessibility(page) });
    await screenshot(page, `branded-${state}-${look}`);
    if (state === 'sign-in' && look === 'light') {
      await page.setViewportSize({ width: 640, height: 720 });
      await screenshot(page, 'readme-branded-sign-in-light');
    }
  }
  return looks;
}

test('a branded tenant’s sign-in to enter code: logo, colour, texts and links, readable and axe-clean, light and dark', async () => {
  const email = 'megan@partner.example';
  await inviteGuest(idp, 'contoso', email);
  const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  // A CSP refusal is a console error; a failed load a response (the page's icon included).
  const refused: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) refused.push(message.text()); });
  page.on('response', (response) => { if (response.status() >= 400) refused.push(`${response.status()} ${response.url()}`); });
  const reports: Array<{ state: string; look: string; report: AxeReport }> = [];

  await page.goto(await rp.authorizationUrl());
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  const [signIn] = await checkBranded(page, 'sign-in', reports);
  expect(signIn?.signInText).toBe('Contoso partners: sign in with the address your invitation went to. Help desk: +1 555 0100.');
  expect(signIn?.placeholder).toBe('name@partner.example');
  await page.getByRole('img', { name: 'Contoso' }).waitFor();

  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Get a code to sign in' }).waitFor();
  const [sendCode] = await checkBranded(page, 'send-code', reports);
  expect(sendCode?.signInText).toBeUndefined();

  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByRole('heading', { name: 'Enter code' }).waitFor();
  await smtp.nextMessageTo(email);
  await checkBranded(page, 'enter-code', reports);
  await context.close();

  // Nothing refused by the CSP (a style attribute or a foreign stylesheet would be, loudly), nothing failed to load.
  expect(refused).toEqual([]);
  expect(reports.filter(({ report }) => report.violations.length > 0 || report.passes === 0).map(({ state, look, report }) => `[${state}, ${look}] ${report.summary}`)).toEqual([]);
}, 60_000);
