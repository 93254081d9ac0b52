import { GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { durationInWords } from '../../src/i18n/durations.ts';
import { type Locale, type MessageKey, type MessageValues, t } from '../../src/i18n/translate.ts';
import { DEFAULT_OTP_TTL_SECONDS, PASSCODE_MAX_ATTEMPTS } from '../../src/limits.ts';

/**
 * Guests read our pages in their language (docs/sign-in.md, "Languages"): the authorization
 * request's ui_locales first, then Accept-Language (by q-value, a region falling back to its
 * language), then English; and one sign-in keeps the language it started in, through every step.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let fixture: SignInFixture;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  fixture = await tenantWithApp(idp, 'lingua');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

function langOf(page: GuestPage): string | undefined {
  return /<html lang="([^"]+)"/.exec(page.html)?.[1];
}

/** The page is in `locale` and says what the catalogue says. */
function expectPageIn(page: GuestPage, locale: Locale, key: MessageKey, values?: MessageValues): void {
  expect(langOf(page)).toBe(locale);
  expect(textOf(page.html)).toContain(t(locale, key, values));
}

async function firstPage(acceptLanguage: string, extra: Record<string, string> = {}): Promise<{ guest: GuestAgent; page: GuestPage }> {
  const guest = new GuestAgent({ 'accept-language': acceptLanguage });
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  return { guest, page: await guest.follow(await rp.authorizationUrl(extra), rp.isCallback) };
}

/** A code of the right length that is not the mailed one. */
function wrongCode(code: string): string {
  return code.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
}

test('ui_locales=de wins over Accept-Language: fr, and the sign-in stays German through Send code and a wrong code', async () => {
  const email = 'dora@lingua.example';
  await inviteGuest(idp, 'lingua', email);
  const { guest, page } = await firstPage('fr', { ui_locales: 'de-AT fr' });
  expect(page.status).toBe(200);
  expectPageIn(page, 'de', 'signIn.heading');
  expectPageIn(page, 'de', 'signIn.next');

  // Later steps carry no ui_locales and the browser still asks for French: the sign-in keeps German.
  const sendPage = await guest.submit(page, '/identify', { email });
  expectPageIn(sendPage, 'de', 'sendCode.send');
  const enterPage = await guest.submit(sendPage, '/send');
  expectPageIn(enterPage, 'de', 'enterCode.sent', { email, validFor: durationInWords('de', DEFAULT_OTP_TTL_SECONDS) });
  const code = codeIn(await smtp.nextMessageTo(email));

  const wrong = await guest.submit(enterPage, '/verify', { code: wrongCode(code) });
  expect(wrong.status).toBe(400);
  expectPageIn(wrong, 'de', 'notice.codeWrong', { attemptsLeft: PASSCODE_MAX_ATTEMPTS - 1 });
});

test('Accept-Language fr-CA,fr;q=0.9 gives French, kept for the whole sign-in; a wrong code’s count is a French plural', async () => {
  const email = 'francois@lingua.example';
  await inviteGuest(idp, 'lingua', email);
  const { guest, page } = await firstPage('fr-CA,fr;q=0.9,en;q=0.5');
  expectPageIn(page, 'fr', 'signIn.title', { tenantName: 'Lingua' });
  // The browser's preference changes mid-sign-in: the sign-in keeps the language it settled on.
  guest.headers['accept-language'] = 'de';
  const enterPage = await guest.submit(await guest.submit(page, '/identify', { email }), '/send');
  expectPageIn(enterPage, 'fr', 'enterCode.title');
  const code = codeIn(await smtp.nextMessageTo(email));
  let wrong = enterPage;
  for (let attempt = 1; attempt < PASSCODE_MAX_ATTEMPTS; attempt += 1) wrong = await guest.submit(wrong, '/verify', { code: wrongCode(code) });
  expectPageIn(wrong, 'fr', 'notice.codeWrong', { attemptsLeft: 1 });
  expect(textOf(wrong.html)).toContain('encore essayer 1 fois avec ce code');
});

test('Spanish plurals: one try left is “1 vez más”, more are “veces más”', async () => {
  const email = 'elena@lingua.example';
  await inviteGuest(idp, 'lingua', email);
  const { guest, page } = await firstPage('en', { ui_locales: 'es' });
  const enterPage = await guest.submit(await guest.submit(page, '/identify', { email }), '/send');
  const code = codeIn(await smtp.nextMessageTo(email));
  let wrong = await guest.submit(enterPage, '/verify', { code: wrongCode(code) });
  expect(textOf(wrong.html)).toContain(`Puede intentarlo ${PASSCODE_MAX_ATTEMPTS - 1} veces más con este código.`);
  for (let attempt = 2; attempt < PASSCODE_MAX_ATTEMPTS; attempt += 1) wrong = await guest.submit(wrong, '/verify', { code: wrongCode(code) });
  expect(textOf(wrong.html)).toContain('Puede intentarlo 1 vez más con este código.');
});

test('a language we do not have (ja) gives English, as does no Accept-Language at all', async () => {
  const { page } = await firstPage('ja,ja-JP;q=0.9');
  expectPageIn(page, 'en', 'signIn.heading');
  const { page: unspecified } = await firstPage('', { ui_locales: 'ja' });
  expectPageIn(unspecified, 'en', 'signIn.heading');
});

test('the q-values decide: de;q=0.4, es;q=0.8 is Spanish', async () => {
  const { page } = await firstPage('de;q=0.4, es;q=0.8');
  expectPageIn(page, 'es', 'signIn.heading');
});

test('oidc-provider’s error page for a bad request is in the Accept-Language (Spanish)', async () => {
  const guest = new GuestAgent({ 'accept-language': 'es-MX,es;q=0.9' });
  const discovery = await (await fetch(`${fixture.issuer}/.well-known/openid-configuration`)).json() as { authorization_endpoint: string };
  const page = await guest.request(`${discovery.authorization_endpoint}?client_id=no-such-client&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fx.example%2Fcb`);
  expect(page.status).toBe(400);
  expectPageIn(page, 'es', 'problem.badClient.title');
  expectPageIn(page, 'es', 'problem.badClient.message', { tenantName: 'Lingua' });
  expectPageIn(page, 'es', 'problem.badClient.hint');
  // oidc-provider's English description is not shown; its error code is, for the app's developers.
  expect(textOf(page.html)).not.toContain('client is invalid');
  expect(textOf(page.html)).toContain('invalid_client');
  expect(textOf(page.html)).toContain('invalid_client');
});

test('the unknown-tenant and tenant-less pages follow Accept-Language', async () => {
  const guest = new GuestAgent({ 'accept-language': 'de-CH' });
  const unknown = await guest.request(`${idp.baseUrl}/nowhere/v2.0/authorize`);
  expect(unknown.status).toBe(404);
  expectPageIn(unknown, 'de', 'problem.unknownTenant.message', { tenantName: 'nowhere' });
  const tenantless = await guest.request(`${idp.baseUrl}/common/oauth2/v2.0/authorize`);
  expect(tenantless.status).toBe(400);
  expectPageIn(tenantless, 'de', 'tenantRequired.title');
});

test('a page that follows Accept-Language says so to caches, and stays uncacheable', async () => {
  const response = await fetch(`${idp.baseUrl}/common`, { headers: { accept: 'text/html', 'accept-language': 'fr' } });
  expect(response.headers.get('vary')).toMatch(/accept-language/i);
  expect(response.headers.get('cache-control')).toBe('no-store');
  await response.text();
});

test('discovery advertises the languages guests can have', async () => {
  const response = await fetch(`${fixture.issuer}/.well-known/openid-configuration`);
  expect(((await response.json()) as { ui_locales_supported?: string[] }).ui_locales_supported).toEqual(['en', 'de', 'fr', 'es']);
});
