import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { CATALOGUES, type Locale } from '../../src/i18n/translate.ts';
import { MailTemplates } from '../../src/mail/mail-templates.ts';
import { launchChromium, screenshot } from '../support/browser.ts';

/**
 * The two guest mails' HTML as a phone shows it: rendered in Chromium at 360 px, light and dark,
 * in every language, with long names and a long address. Nothing may be wider than the screen,
 * and the code must copy as the bare digits (its spacing is CSS, not characters). Screenshots go
 * to test/e2e/screenshots/mail-<mail>-<locale>-<scheme>.png, to be looked at.
 */

const PHONE = { width: 360, height: 740 };
const templates = new MailTemplates(join(import.meta.dirname, '..', '..', 'interactions', 'mail'));
const LOCALES = Object.keys(CATALOGUES) as Locale[];
const SCHEMES = ['light', 'dark'] as const;

const longTenant = 'Contoso Pharmaceuticals Research and Development International';
const longAddress = 'maximilian.alexander.mustermann-schmidt@subsidiary.partner-organisation.example';

function passcodeHtml(locale: Locale): string {
  return templates.passcode({
    locale, to: longAddress, tenantName: longTenant, appName: 'Contoso Clinical Trials Expense Reporting Portal',
    code: '40718265', validForSeconds: 1800, expiresAt: new Date('2025-06-01T14:35:00Z'),
  }).html;
}

function invitationHtml(locale: Locale): string {
  return templates.invitation({
    locale, to: longAddress, tenantName: longTenant, inviterAppName: null, invitedUserDisplayName: 'Maximilian Mustermann-Schmidt',
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
