import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import { AUTO_SUBMIT_CONTENT_SECURITY_POLICY, PAGE_CONTENT_SECURITY_POLICY } from '../../src/web/pages.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { recordFinding } from '../support/findings.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Every page the product serves, oidc-provider's included, in Chromium: each HTML answer carries
 * the strict CSP (the auto-posting page: the same plus `script-src 'self'`), has no inline script
 * and no on* attribute, and Chromium reports no CSP violation. The states walked: our sign-in
 * pages, a sign-in as another address in a browser that has a session (oidc-provider posts a
 * sign-out on), a form_post relying party (success and error), sign-out with and without a
 * session, oidc-provider's error page, and the pages of a lost guest.
 */

interface Checked {
  url: string;
  status: number;
  csp: string | undefined;
  problems: string[];
}

let smtp: SmtpListener;
let idp: RunningIdp;
let browser: Browser;
let rp: { server: Server; origin: string; posts: Record<string, string>[] };
let client: { client_id: string; client_secret: string };
const checked: Checked[] = [];
const violations: string[] = [];

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  rp = await startRelyingParty();
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso', verifiedDomains: ['contoso.example'] })).status).toBe(201);
  expect((await idp.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam' })).status).toBe(201);
  expect((await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/emailOtp', { state: 'disabled' })).status).toBe(200);
  const created = await idp.admin('POST', '/admin/tenants/contoso/clients', {
    client_name: 'Contoso Expenses', redirect_uris: [`${rp.origin}/callback`], post_logout_redirect_uris: [`${rp.origin}/signed-out`],
  });
  expect(created.status).toBe(201);
  client = created.body;
  for (const email of ['adele@fabrikam.example', 'lee@fabrikam.example']) {
    expect((await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: email, inviteRedirectUrl: `${rp.origin}/welcome` })).status).toBe(201);
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  rp?.server.closeAllConnections();
  rp?.server.close();
  await idp?.close();
  await smtp?.close();
});

/** A browser context whose every answer from the product is checked, and whose CSP violations are collected. */
async function watchedContext(options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  // Runs in every page (a script injected by the browser itself, not subject to the page's CSP).
  await context.addInitScript({ content: `document.addEventListener('securitypolicyviolation', (event) => {
    console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI + ' on ' + document.location.href);
  });` });
  const page = await context.newPage();
  // A page that does not move on fails the step it is at, well before the test's own timeout.
  page.setDefaultTimeout(8000);
  // Each answer of the product (redirects included) is held at the response stage and read whole
  // before the page gets it, so even a page that posts itself on at once is checked.
  const cdp = await context.newCDPSession(page);
  cdp.on('Fetch.requestPaused', (event) => {
    void (async () => {
      const headers = Object.fromEntries((event.responseHeaders ?? []).map(({ name, value }) => [name.toLowerCase(), value]));
      const status = event.responseStatusCode ?? 0;
      let html = '';
      if ((status < 300 || status >= 400) && (headers['content-type'] ?? '').startsWith('text/html')) {
        const { body, base64Encoded } = await cdp.send('Fetch.getResponseBody', { requestId: event.requestId });
        html = base64Encoded ? Buffer.from(body, 'base64').toString() : body;
      }
      check(event.request.url, status, headers, html);
      await cdp.send('Fetch.continueRequest', { requestId: event.requestId });
    })();
  });
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${idp.baseUrl}/*`, requestStage: 'Response' }] });
  page.on('console', (message) => {
    if (/violat|Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  return { context, page };
}

function check(url: string, status: number, headers: Record<string, string>, html: string): void {
  const type = headers['content-type'] ?? '';
  if (!type.startsWith('text/html')) return;
  const csp = headers['content-security-policy'];
  const problems: string[] = [];
  if (status < 300 || status >= 400) {
    for (const [tag, attributes] of html.matchAll(/<script\b([^>]*)>/gi)) {
      if (!/\bsrc=/i.test(attributes ?? '')) problems.push(`inline script: ${tag}`);
    }
    for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) {
      if (/\son[a-z]+\s*=/i.test(tag)) problems.push(`event handler attribute: ${tag}`);
    }
    // The pages that run a script of ours: the auto-posting page and the passkey pages (the same policy).
    const expected = /data-auto-submit|data-passkey=/.test(html) ? AUTO_SUBMIT_CONTENT_SECURITY_POLICY : PAGE_CONTENT_SECURITY_POLICY;
    if (csp !== expected) problems.push(`CSP ${csp ?? '(none)'}`);
  } else if (csp !== PAGE_CONTENT_SECURITY_POLICY) {
    problems.push(`CSP ${csp ?? '(none)'} on a redirect`);
  }
  checked.push({ url, status, csp, problems });
}

function authorizationUrl(extra: Record<string, string> = {}): string {
  return `${idp.baseUrl}/contoso/v2.0/auth?${new URLSearchParams({
    client_id: client.client_id, redirect_uri: `${rp.origin}/callback`, response_type: 'code', scope: 'openid email',
    state: `state-${Math.random().toString(36).slice(2)}`, nonce: 'n-0123456789', ...extra,
  })}`;
}

/** From the sign-in page of an authorization request to the relying party's callback, by emailed code. */
async function signIn(page: Page, email: string, shots?: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  if (shots) await screenshot(page, `${shots}-sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Get a code to sign in' }).waitFor();
  if (shots) await screenshot(page, `${shots}-send-code`);
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByRole('heading', { name: 'Enter code' }).waitFor();
  if (shots) await screenshot(page, `${shots}-enter-code`);
  await page.getByLabel('Code', { exact: true }).fill(codeIn(await smtp.nextMessageTo(email)));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('every page state answers with the strict CSP, no inline script, and no CSP violation in Chromium', async () => {
  const { context, page } = await watchedContext();

  // Our sign-in pages, to the relying party.
  await page.goto(authorizationUrl());
  await signIn(page, 'adele@fabrikam.example', '30');
  await page.waitForURL(`${rp.origin}/callback?**`);

  // Another address in a browser that has a session: oidc-provider posts a sign-out of the first
  // account on (its "Submitting Callback" page before), then the sign-in finishes.
  await page.goto(authorizationUrl({ prompt: 'login' }));
  await signIn(page, 'lee@fabrikam.example');
  await page.waitForURL(`${rp.origin}/callback?**`);
  expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();

  // A form_post relying party: the session answers at once, the code is posted to the callback.
  const postsBefore = rp.posts.length;
  await page.goto(authorizationUrl({ response_mode: 'form_post' }));
  await page.waitForURL(`${rp.origin}/callback`);
  expect(rp.posts.length).toBe(postsBefore + 1);
  expect(rp.posts.at(-1)).toMatchObject({ code: expect.any(String), iss: `${idp.baseUrl}/contoso/v2.0` });

  // Sign-out with a session: our confirmation page, then the relying party's post-logout URL.
  await page.goto(`${idp.baseUrl}/contoso/v2.0/session/end?client_id=${client.client_id}&post_logout_redirect_uri=${encodeURIComponent(`${rp.origin}/signed-out`)}`);
  await page.getByRole('heading', { name: 'Sign out of Contoso?' }).waitFor();
  await screenshot(page, '31-sign-out');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${rp.origin}/signed-out`);

  // Sign-out without a session: oidc-provider posts the sign-out on by itself, then our page.
  await page.goto(`${idp.baseUrl}/contoso/v2.0/session/end`);
  await page.getByRole('heading', { name: 'You have signed out' }).waitFor();
  await screenshot(page, '32-signed-out');

  // A form_post error (no session, prompt=none) is posted to the relying party too.
  await page.goto(authorizationUrl({ response_mode: 'form_post', prompt: 'none' }));
  await page.waitForURL(`${rp.origin}/callback`);
  expect(rp.posts.at(-1)).toMatchObject({ error: 'login_required' });

  // oidc-provider's own error page: an unknown client.
  const errorResponse = await page.goto(`${idp.baseUrl}/contoso/v2.0/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2F`);
  await page.getByRole('heading', { name: 'This app can’t sign you in' }).waitFor();
  expect(await page.locator('.reference').textContent()).toContain(errorResponse!.headers()['x-request-id']);
  await screenshot(page, '33-oidc-provider-error');

  // Pages of a lost guest, and no sign-in method.
  await page.goto(`${idp.baseUrl}/common/oauth2/v2.0/authorize?client_id=x`);
  await page.getByRole('heading', { name: 'Use your organization’s sign-in link' }).waitFor();
  await page.getByLabel('Sign in to an organization').fill('nowhere.example');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').waitFor();
  await page.goto(`${idp.baseUrl}/nobody/v2.0/auth?client_id=x`);
  await page.getByRole('heading', { name: 'We could not find that organization' }).waitFor();
  await page.goto(`${idp.baseUrl}/contoso/v2.0/redeem?ticket=used`);
  await page.getByRole('heading').first().waitFor();
  await page.goto(`${idp.baseUrl}/contoso/v2.0/interaction/no-such-attempt`);
  await page.getByRole('heading', { name: 'This sign-in has expired' }).waitFor();
  await context.close();

  const noMethod = await watchedContext();
  const fabrikamApp = await idp.admin('POST', '/admin/tenants/fabrikam/clients', { client_name: 'Fabrikam app', redirect_uris: [`${rp.origin}/callback`] });
  await noMethod.page.goto(authorizationUrl({ client_id: fabrikamApp.body.client_id }).replace('/contoso/', '/fabrikam/'));
  await noMethod.page.getByLabel('Email address').fill('someone@elsewhere.example');
  await noMethod.page.getByRole('button', { name: 'Next' }).click();
  await noMethod.page.getByRole('heading', { name: 'We can’t sign you in with this address' }).waitFor();
  await noMethod.context.close();

  const failures = checked.filter((answer) => answer.problems.length > 0);
  expect(failures).toEqual([]);
  expect(violations).toEqual([]);
  const pages = checked.filter((answer) => answer.status < 300 || answer.status >= 400);
  expect(pages.length).toBeGreaterThan(15);
  // The auto-posting page was met (account switch, form_post success and error, sign-out without session).
  expect(checked.filter((answer) => answer.csp === AUTO_SUBMIT_CONTENT_SECURITY_POLICY).length).toBe(4);
  recordFinding({
    kind: 'attack',
    name: 'A page without CSP',
    tried: 'walked every page state in Chromium: sign-in, send code, enter code, no method, a second address in a browser with a session, a form_post relying party (code and error), sign-out with and without a session, oidc-provider’s error page, tenant-required, unknown organization, unknown tenant, used invitation, expired attempt',
    times: checked.length,
    result: `${pages.length} HTML pages and ${checked.length - pages.length} HTML redirects all carried the strict CSP (the 4 auto-posting pages: plus script-src 'self'), none had an inline script or on* attribute; Chromium reported 0 CSP violations`,
  });
}, 60_000);

test('the auto-posting page looks like the product and works without scripts: one press of Continue', async () => {
  const { context, page } = await watchedContext({ javaScriptEnabled: false });
  await page.goto(`${idp.baseUrl}/contoso/v2.0/session/end`);
  await page.getByRole('heading', { name: 'Signing you out' }).waitFor();
  await screenshot(page, '34-auto-post-without-script');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'You have signed out' }).waitFor();

  const postsBefore = rp.posts.length;
  await page.goto(authorizationUrl({ response_mode: 'form_post', prompt: 'none' }));
  await page.getByRole('heading', { name: 'Returning to Contoso Expenses' }).waitFor();
  await screenshot(page, '35-form-post-without-script');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${rp.origin}/callback`);
  expect(rp.posts.length).toBe(postsBefore + 1);
  expect(rp.posts.at(-1)).toMatchObject({ error: 'login_required', state: expect.any(String) });
  await context.close();
});

/** The relying party's side: its callback takes a GET (query) or a POST (form_post) and shows a page. */
async function startRelyingParty(): Promise<{ server: Server; origin: string; posts: Record<string, string>[] }> {
  const posts: Record<string, string>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST') posts.push(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>App</title><h1>The app</h1>');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://localhost:${(server.address() as { port: number }).port}`, posts };
}
