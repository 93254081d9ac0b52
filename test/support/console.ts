import type { Browser, BrowserContext, Page } from 'playwright-core';

import { type MemberRole, newMember } from '../../src/guests/user.ts';
import { auditAccessibility } from './axe.ts';
import { launchChromium, screenshot } from './browser.ts';
import { type DemoApp, startDemoApp } from './demo-app.ts';
import { type RunningIdp, startIdp } from './idp.ts';
import { freePort } from './redis-server.ts';
import { codeIn, type SmtpListener, startSmtpListener } from './smtp.ts';

/**
 * What every tenant-console browser test starts from: a provider with a mail listener, the tenant
 * `contoso` with an app (`Contoso Expenses`, served by the demo app) for guests to sign in to, and
 * Chromium. Members are added with `addMember`; `signIn` opens the console as one of them.
 */
export interface ConsoleFixture {
  smtp: SmtpListener;
  idp: RunningIdp;
  app: DemoApp;
  browser: Browser;
  /** `${BASE_URL}/contoso/console`, without the trailing slash. */
  consoleUrl: string;
  /** Stores a member of contoso with these roles (as POST /users would, plus roles); returns its id. */
  addMember(mail: string, displayName: string, roles: MemberRole[]): Promise<string>;
  /**
   * Signs in to the console in a new browser context: the tenant's own sign-in pages, the code
   * from the mail. The forms are found by their place, so it works in every language.
   */
  signIn(email: string, locale?: string): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startConsoleFixture({ verifiedDomains = ['contoso.example'] }: { verifiedDomains?: string[] } = {}): Promise<ConsoleFixture> {
  const smtp = await startSmtpListener();
  const idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  expect((await idp.admin('POST', '/admin/tenants', {
    id: 'contoso', displayName: 'Contoso', ...(verifiedDomains.length > 0 ? { verifiedDomains } : {}),
  })).status).toBe(201);
  const port = await freePort();
  const client = await idp.admin('POST', '/admin/tenants/contoso/clients', {
    client_name: 'Contoso Expenses', redirect_uris: [`http://localhost:${port}/callback`],
  });
  const app = await startDemoApp(`${idp.baseUrl}/contoso/v2.0`, client.body, port);
  const browser = await launchChromium();
  const consoleUrl = `${idp.baseUrl}/contoso/console`;

  return {
    smtp, idp, app, browser, consoleUrl,
    async addMember(mail, displayName, roles) {
      const member = newMember(mail, displayName, roles);
      expect(await idp.guests.createMember('contoso', member)).toBe(true);
      return member.id;
    },
    async signIn(email, locale) {
      const context = await browser.newContext(locale ? { locale } : {});
      const page = await context.newPage();
      // A step that cannot happen fails within the test's time, naming what it waited for.
      page.setDefaultTimeout(10_000);
      await page.goto(`${consoleUrl}/`);
      await page.locator('input[type=email]').fill(email);
      await page.locator('form button[type=submit]').first().click();
      await page.locator('form[action$="/send"] button[type="submit"]').first().click();
      await page.locator('input[name="code"]').fill(codeIn(await smtp.nextMessageTo(email)));
      await page.locator('form[action$="/verify"] button[type="submit"]').click();
      await page.waitForURL(/\/contoso\/console\/[^/]*$/);
      return { context, page };
    },
    async close() {
      await browser.close();
      await app.close();
      await idp.close();
      await smtp.close();
    },
  };
}

/** axe finds nothing on the page, and a photograph of it is kept (test/e2e/screenshots/<name>.png). */
export async function checkConsolePage(page: Page, name: string): Promise<void> {
  const report = await auditAccessibility(page);
  expect(report.summary).toBe(`${report.url}: no WCAG A/AA violations`);
  await screenshot(page, name);
}
