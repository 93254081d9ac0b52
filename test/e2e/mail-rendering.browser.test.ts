import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { type BrandingView, textColourOn } from '../../src/branding/branding-view.ts';
import { CATALOGUES, type Locale } from '../../src/i18n/translate.ts';
import { MailTemplates } from '../../src/mail/mail-templates.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { pngImage } from '../support/images.ts';

/**
 * The two guest mails' HTML as a phone shows it: rendered in Chromium at 360 px, light and dark,
 * in every language, with long names and a long address. Nothing may be wider than the screen,
 * and the code must copy as the bare digits (its spacing is CSS, not characters). Screenshots go
 * to test/e2e/screenshots/mail-<mail>-<locale>-<scheme>.png, to be looked at; a branded tenant's
 * (its logo served by a running guest-idp) to mail-<mail>-branded-<scheme>.png.
 */

const PHONE = { width: 360, height: 740 };
const templates = new MailTemplates(join(import.meta.dirname, '..', '..', 'interactions', 'mail'));
const LOCALES = Object.keys(CATALOGUES) as Locale[];
const SCHEMES = ['light', 'dark'] as const;

const longTenant = 'Contoso Pharmaceuticals Research and Development International';
const longAddress = 'maximilian.alexander.mustermann-schmidt@subsidiary.partner-organisation.example';

function passcodeHtml(locale: Locale, branding?: BrandingView): string {
  return templates.passcode({
    branding, locale, to: longAddress, tenantName: longTenant, appName: 'Contoso Clinical Trials Expense Reporting Portal',
    code: '40718265', validForSeconds: 1800, expiresAt: new Date('2025-06-01T14:35:00Z'),
  }).html;
}

function invitationHtml(locale: Locale, branding?: BrandingView): string {
  return templates.invitation({
    branding, locale, to: longAddress, tenantName: longTenant, inviterAppName: null, invitedUserDisplayName: 'Maximilian Mustermann-Schmidt',
    redeemUrl: `https://login.contoso.example/contoso/v2.0/redeem?ticket=${'a'.repeat(43)}`,
    inviteRedirectUrl: 'https://clinical-trials.contoso.example/welcome',
    customizedMessageBody: '<b>Welcome</b> to the trial team!\nPlease read https://clinical-trials.contoso.example/onboarding/a-very-long-path-without-any-break-at-all before Monday.',
  }).html;
}

/** The few browser globals these checks use (the test's types have no DOM). */
interface InPage {
  document: { documentElement: { scrollWidth: number }; body: { scrollWidth: number }; createRange(): { selectNodeContents(node: unknown): void } };
  innerWidth: number;
  getComputedStyle(element: unknown): { fontSize: string; lineHeight: string };
  getSelection(): { removeAllRanges(): void; addRange(range: unknown): void; toString(): string } | null;
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function show(html: string, colorScheme: 'light' | 'dark'): Promise<Page> {
  const page = await browser.newPage({ viewport: PHONE, colorScheme });
  await page.setContent(html);
  return page;
}

/** How far the mail reaches past the screen's right edge (0: it fits). */
const overflow = (page: Page) => page.evaluate(() => {
  const { document, innerWidth } = (globalThis as unknown as InPage);
  return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - innerWidth;
});

describe.each(LOCALES)('mails in %s at phone width', (locale) => {
  test.each(SCHEMES)('the code mail fits a 360 px screen (%s), its code large on one line and copied without spaces', async (scheme) => {
    const page = await show(passcodeHtml(locale), scheme);
    try {
      await screenshot(page, `mail-passcode-${locale}-${scheme}`);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      const code = page.locator('#code');
      const look = await code.evaluate((element) => {
        const style = (globalThis as unknown as InPage).getComputedStyle(element);
        const box = element.getBoundingClientRect();
        return { fontSize: parseFloat(style.fontSize), lineHeight: parseFloat(style.lineHeight), height: box.height, right: box.right };
      });
      expect(look.fontSize).toBeGreaterThanOrEqual(28);
      expect(look.height).toBeLessThan(look.lineHeight * 1.5);
      expect(look.right).toBeLessThanOrEqual(PHONE.width);
      // What a guest who selects the code and copies it gets.
      const copied = await code.evaluate((element) => {
        const window = globalThis as unknown as InPage;
        const range = window.document.createRange();
        range.selectNodeContents(element);
        const selection = window.getSelection()!;
        selection.removeAllRanges();
        selection.addRange(range);
        return selection.toString();
      });
      expect(copied).toBe('40718265');
    } finally {
      await page.close();
    }
  });

  test.each(SCHEMES)('the invitation mail fits a 360 px screen (%s), the inviter\'s words as text', async (scheme) => {
    const page = await show(invitationHtml(locale), scheme);
    try {
      await screenshot(page, `mail-invitation-${locale}-${scheme}`);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      const words = page.locator('#inviter-message');
      expect(await words.innerText()).toBe('<b>Welcome</b> to the trial team!\nPlease read https://clinical-trials.contoso.example/onboarding/a-very-long-path-without-any-break-at-all before Monday.');
      expect(await words.locator('b').count()).toBe(0);
      const button = page.getByRole('link', { name: /./ }).first();
      expect((await button.boundingBox())!.x + (await button.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await page.close();
    }
  });
});

describe('a branded tenant\'s mails at phone width', () => {
  const BACKGROUND = '#0A4C8B';
  let idp: RunningIdp;
  let branding: BrandingView;

  beforeAll(async () => {
    idp = await startIdp();
    expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: longTenant })).status).toBe(201);
    // Twice as wide as high: the mail must fit it into its square without stretching it.
    const logo = await fetch(`${idp.baseUrl}/admin/tenants/contoso/branding/squareLogo`, {
      method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body: pngImage(160, 80, [242, 200, 17]),
    });
    expect(logo.status).toBe(200);
    const { squareLogoUrl } = (await logo.json()) as { squareLogoUrl: string };
    branding = { logoUrl: squareLogoUrl, logoSize: { width: 160, height: 80 }, backgroundColor: BACKGROUND, textOnBackground: textColourOn(BACKGROUND) };
  });

  afterAll(async () => {
    await idp?.close();
  });

  /** The header as Chromium drew it: the logo (loaded?) and the band's colours. */
  const header = (page: Page) => page.evaluate(() => {
    const view = globalThis as unknown as {
      document: { querySelector(selector: string): any };
      getComputedStyle(element: unknown): { backgroundColor: string; color: string };
    };
    const logo = view.document.querySelector('#brand-logo');
    const band = view.document.querySelector('td[bgcolor]');
    const box = logo.getBoundingClientRect();
    return {
      logo: { complete: logo.complete, naturalWidth: logo.naturalWidth, width: box.width, height: box.height, right: box.right, alt: logo.alt },
      band: { background: view.getComputedStyle(band).backgroundColor, text: view.getComputedStyle(band).color },
    };
  });

  test.each(SCHEMES.flatMap((scheme) => [['passcode', scheme], ['invitation', scheme]] as const))(
    'the %s mail (%s) shows the logo loaded from guest-idp and the colour band, and fits 360 px',
    async (mail, scheme) => {
      const page = await show(mail === 'passcode' ? passcodeHtml('en', branding) : invitationHtml('en', branding), scheme);
      try {
        await screenshot(page, `mail-${mail}-branded-${scheme}`);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        const drawn = await header(page);
        expect(drawn.logo).toEqual({ complete: true, naturalWidth: 160, width: 40, height: 20, right: expect.any(Number), alt: longTenant });
        expect(drawn.logo.right).toBeLessThanOrEqual(PHONE.width);
        // The band keeps the tenant's colour and white text in dark mode too.
        expect(drawn.band).toEqual({ background: 'rgb(10, 76, 139)', text: 'rgb(255, 255, 255)' });
      } finally {
        await page.close();
      }
    },
  );
});
