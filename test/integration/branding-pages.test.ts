import { GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { pngImage } from '../support/images.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { type SignInFixture, tenantWithApp } from '../support/sign-in.ts';

/**
 * The contract's "Pages show the tenant's branding (logo, background colour, sign-in text, privacy
 * and terms links) when it set them", over HTTP as a guest's browser gets the pages: every page of
 * a branded tenant carries it, the sign-in page its texts too, and an unbranded tenant's pages
 * none of it.
 */

let idp: RunningIdp;
let branded: SignInFixture;
let plain: SignInFixture;
let brandedRp: RelyingParty;
let plainRp: RelyingParty;

/** Text an admin might paste, markup and all: it must reach the page as text. */
const SIGN_IN_TEXT = 'Help desk: +1 555 0100 <script>alert("owned")</script> & more';
const USERNAME_HINT = '"you"@partner.example';
const PRIVACY = 'https://contoso.example/privacy?lang=en&v=2';
const TERMS = 'https://contoso.example/terms';

beforeAll(async () => {
  idp = await startIdp();
  branded = await tenantWithApp(idp, 'contoso');
  plain = await tenantWithApp(idp, 'fabrikam');
  const patched = await idp.admin('PATCH', '/admin/tenants/contoso/branding', {
    backgroundColor: '#0A4C8B', signInPageText: SIGN_IN_TEXT, usernameHintText: USERNAME_HINT,
    customPrivacyAndCookiesUrl: PRIVACY, customTermsOfUseUrl: TERMS,
  });
  expect(patched.status).toBe(200);
  const logo = await fetch(`${idp.baseUrl}/admin/tenants/contoso/branding/squareLogo`, {
    method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'image/png' }, body: pngImage(120, 60),
  });
  expect(logo.status).toBe(200);
  brandedRp = await RelyingParty.discover(branded.issuer, branded.app, branded.redirectUri);
  plainRp = await RelyingParty.discover(plain.issuer, plain.app, plain.redirectUri);
});

afterAll(async () => {
  await idp.close();
});

/** What the admin API says the pages should link: the logo's and the stylesheet's URLs. */
async function brandingUrls(): Promise<{ logoUrl: string; stylesheetUrl: string }> {
  const { body } = await idp.admin('GET', '/admin/tenants/contoso/branding');
  return { logoUrl: body.squareLogoUrl, stylesheetUrl: `${idp.baseUrl}/contoso/v2.0/branding/style.css?v=0A4C8B` };
}

const signInPage = async (rp: RelyingParty) => new GuestAgent().follow(await rp.authorizationUrl(), rp.isCallback);

function expectBrandedFrame(page: GuestPage, urls: { logoUrl: string; stylesheetUrl: string }): void {
  expect(page.html).toContain(`<link rel="stylesheet" href="${urls.stylesheetUrl}">`);
  expect(page.html).toContain(`<img class="brand-logo" src="${urls.logoUrl.replaceAll('&', '&amp;')}" alt="Contoso"`);
  expect(page.html).toContain(`<a href="${PRIVACY.replaceAll('&', '&amp;')}" rel="noopener">Privacy and cookies</a>`);
  expect(page.html).toContain(`<a href="${TERMS}" rel="noopener">Terms of use</a>`);
}

function expectUnbranded(page: GuestPage): void {
  expect(page.html).not.toContain('/branding/');
  expect(page.html).not.toContain('brand-logo');
  expect(page.html).toContain('<span class="brand-mark" aria-hidden="true"></span>');
  expect(page.html).not.toContain('placeholder=');
  expect(page.html).not.toContain('sign-in-text');
  expect(page.html).not.toContain('footer-links');
}

test('a branded tenant’s sign-in page has its logo, colour stylesheet, sign-in text (as text), username hint and footer links', async () => {
  const urls = await brandingUrls();
  expect(urls.logoUrl).toMatch(new RegExp(`^${idp.baseUrl}/contoso/v2\\.0/branding/squareLogo\\?v=`));
  const page = await signInPage(brandedRp);
  expect(page.status).toBe(200);
  expectBrandedFrame(page, urls);

  // Escaped: the guest reads the markup as characters, and no script element reaches the page.
  expect(page.html).toContain('<p class="sign-in-text">Help desk: +1 555 0100 &lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; more</p>');
  expect(page.html).not.toMatch(/<script\b/i);
  expect(textOf(page.html)).toContain(SIGN_IN_TEXT);
  // Below the heading, before the form.
  expect(page.html.indexOf('sign-in-text')).toBeGreaterThan(page.html.indexOf('id="page-title"'));
  expect(page.html.indexOf('sign-in-text')).toBeLessThan(page.html.indexOf('<form'));

  expect(page.html).toContain('placeholder="&#34;you&#34;@partner.example"');
});

test('the logo and the stylesheet the page links answer 200 with what they are', async () => {
  const urls = await brandingUrls();
  const logo = await fetch(urls.logoUrl);
  expect(logo.status).toBe(200);
  expect(logo.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await logo.arrayBuffer())).toEqual(pngImage(120, 60));

  const style = await fetch(urls.stylesheetUrl);
  expect(style.status).toBe(200);
  expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  const css = await style.text();
  expect(css).toContain('--brand-background: #0A4C8B;');
  expect(css).toContain('--brand-text-on-background: #FFFFFF;');
});

test('the other pages of a branded tenant carry the logo, colour and links; only the sign-in page its texts', async () => {
  const urls = await brandingUrls();
  const guest = new GuestAgent();
  const first = await guest.follow(await brandedRp.authorizationUrl(), brandedRp.isCallback);
  const sendCode = await guest.submit(first, '/identify', { email: 'megan@partner.example' });
  expect(sendCode.status).toBe(200);
  expect(sendCode.url).toMatch(/\/interaction\//);
  expectBrandedFrame(sendCode, urls);
  expect(sendCode.html).not.toContain('sign-in-text');
  expect(sendCode.html).not.toContain('placeholder=');

  // An error oidc-provider renders (its own Koa context, the same request): an unknown client.
  const error = await guest.follow(`${branded.issuer}/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=https://x.example/`);
  expect(error.status).toBe(400);
  expectBrandedFrame(error, urls);

  // Sign-out without a session: oidc-provider's auto-post page (rendered as ours), then signed out.
  const signingOut = await guest.follow(`${branded.issuer}/session/end`);
  expect(signingOut.status).toBe(200);
  expect(textOf(signingOut.html)).toContain('Signing you out');
  expectBrandedFrame(signingOut, urls);
  const signedOut = await guest.submit(signingOut, '/session/end/confirm');
  expect(signedOut.status).toBe(200);
  expect(textOf(signedOut.html)).toContain('You are signed out of Contoso.');
  expectBrandedFrame(signedOut, urls);
});

test('an unbranded tenant’s pages look as they always did', async () => {
  const page = await signInPage(plainRp);
  expect(page.status).toBe(200);
  expectUnbranded(page);
  const error = await new GuestAgent().follow(`${plain.issuer}/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=https://x.example/`);
  expect(error.status).toBe(400);
  expectUnbranded(error);
});

test('a page for no known tenant has no branding, even at a branded tenant’s neighbour', async () => {
  const page = await new GuestAgent().request(`${idp.baseUrl}/nobody/v2.0/auth`);
  expect(page.status).toBe(404);
  expectUnbranded(page);
});
