import * as oidc from 'openid-client';

import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * The heart of the product, as a relying party and a guest see it: an invited guest signs in to a
 * tenant's app with a code from their inbox, and the app gets the tokens the contract describes.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let app: { client_id: string; client_secret: string };
const REDIRECT = 'https://payroll.example/signin-oidc';

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso', verifiedDomains: ['contoso.example'] })).status).toBe(201);
  app = (await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'Contoso Payroll', redirect_uris: [REDIRECT] })).body;
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

async function invite(email: string, displayName?: string) {
  const invitation = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
    invitedUserEmailAddress: email, inviteRedirectUrl: 'https://payroll.example/', ...(displayName ? { invitedUserDisplayName: displayName } : {}),
  });
  expect(invitation.status).toBe(201);
  return invitation.body as { id: string; invitedUser: { id: string }; status: string; inviteRedeemUrl: string };
}

test('an invited guest signs in with a mailed code; the app gets every claim of the contract', async () => {
  const invitation = await invite('Megan.Bowen@Fabrikam.example', 'Megan Bowen');
  expect(invitation.status).toBe('PendingAcceptance');
  const rp = await RelyingParty.discover(`${idp.baseUrl}/contoso/v2.0`, app, REDIRECT);
  const guest = new GuestAgent();

  let page = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  expect(page.status).toBe(200);
  expect(textOf(page.html)).toContain('Sign in to continue to Contoso Payroll');

  page = await guest.submit(page, '/identify', { email: 'megan.bowen@fabrikam.example' });
  expect(textOf(page.html)).toContain('We’ll email a sign-in code to megan.bowen@fabrikam.example');

  page = await guest.submit(page, '/send');
  expect(textOf(page.html)).toContain('Enter code');
  const mail = await smtp.nextMessageTo('megan.bowen@fabrikam.example');
  expect(mail.subject).toBe('Your Contoso sign-in code');
  expect(mail.html).toContain(codeIn(mail));

  const callback = await guest.submit(page, '/verify', { code: codeIn(mail) }, rp.isCallback);
  expect(callback.location).toMatch(/^https:\/\/payroll\.example\/signin-oidc\?code=/);
  expect(new URL(callback.location!).searchParams.get('iss')).toBe(`${idp.baseUrl}/contoso/v2.0`);

  const tokens = await rp.redeemCallback(callback.location!);
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({
    iss: `${idp.baseUrl}/contoso/v2.0`,
    sub: invitation.invitedUser.id,
    aud: app.client_id,
    email: 'megan.bowen@fabrikam.example',
    email_verified: true,
    name: 'Megan Bowen',
    tid: 'contoso',
    idp: 'mail',
    amr: ['otp'],
    nonce: rp.nonce,
  });
  expect(claims.auth_time).toEqual(expect.any(Number));

  const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, invitation.invitedUser.id);
  expect(userinfo).toMatchObject({
    sub: invitation.invitedUser.id, email: 'megan.bowen@fabrikam.example', email_verified: true, name: 'Megan Bowen', tid: 'contoso', idp: 'mail',
  });

  const guestRecord = await idp.users.find('contoso', invitation.invitedUser.id);
  expect(guestRecord).toMatchObject({ userType: 'Guest', externalUserState: 'Accepted', source: 'EmailOTP' });
  expect(Date.parse(guestRecord!.lastSignInDateTime!)).toBeGreaterThan(Date.parse(guestRecord!.createdDateTime));
});

test('login_hint fills in the address: the guest starts at "Send code"', async () => {
  await invite('nestor.wilke@fabrikam.example');
  const rp = await RelyingParty.discover(`${idp.baseUrl}/contoso.example/v2.0/.well-known/openid-configuration`, app, REDIRECT);
  const guest = new GuestAgent();
  const page = await guest.follow(await rp.authorizationUrl({ login_hint: 'Nestor.Wilke@fabrikam.example' }), rp.isCallback);
  expect(textOf(page.html)).toContain('We’ll email a sign-in code to nestor.wilke@fabrikam.example');
});

test('a second app of the tenant signs the guest in without a new code (one session per tenant)', async () => {
  await invite('lynne.robbins@fabrikam.example');
  const other = (await idp.admin('POST', '/admin/tenants/contoso/clients', {
    client_name: 'Contoso Travel', redirect_uris: ['http://localhost:5173/callback'], token_endpoint_auth_method: 'none',
  })).body;
  const guest = new GuestAgent();
  const first = await RelyingParty.discover(`${idp.baseUrl}/contoso/v2.0`, app, REDIRECT);
  let page = await guest.follow(await first.authorizationUrl({ login_hint: 'lynne.robbins@fabrikam.example' }), first.isCallback);
  page = await guest.submit(page, '/send');
  await guest.submit(page, '/verify', { code: codeIn(await smtp.nextMessageTo('lynne.robbins@fabrikam.example')) }, first.isCallback);

  const second = await RelyingParty.discover(`${idp.baseUrl}/contoso/v2.0`, other, 'http://localhost:5173/callback');
  const callback = await guest.follow(await second.authorizationUrl(), second.isCallback);
  const claims = (await second.redeemCallback(callback.location!)).claims()!;
  expect(claims.email).toBe('lynne.robbins@fabrikam.example');
  expect(claims.aud).toBe(other.client_id);
});

test('cancelling sends the guest back to the app with access_denied', async () => {
  const rp = await RelyingParty.discover(`${idp.baseUrl}/contoso/v2.0`, app, REDIRECT);
  const guest = new GuestAgent();
  const page = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  const back = await guest.submit(page, '/cancel', {}, rp.isCallback);
  const location = new URL(back.location!);
  expect(location.searchParams.get('error')).toBe('access_denied');
  expect(location.searchParams.get('state')).toBe(rp.state);
});

test('ID tokens are signed with the current key; after a rotation, with the key that was published as next', async () => {
  const kidOf = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString()).kid as string;
  const signIn = async (email: string) => {
    await invite(email);
    const rp = await RelyingParty.discover(`${idp.baseUrl}/contoso/v2.0`, app, REDIRECT);
    const guest = new GuestAgent();
    const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
    const entering = await guest.submit(sendPage, '/send');
    const callback = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, rp.isCallback);
    return (await rp.redeemCallback(callback.location!)).id_token!;
  };
  type Key = { kid: string; alg: string; status: string };
  const keys = async () => (await idp.admin('GET', '/admin/tenants/contoso/signingKeys')).body.value as Key[];
  const rs256 = (list: Key[], status: string) => list.find((key) => key.alg === 'RS256' && key.status === status)!.kid;

  const before = await keys();
  expect(kidOf(await signIn('before.rotation@fabrikam.example'))).toBe(rs256(before, 'current'));

  await idp.admin('POST', '/admin/tenants/contoso/signingKeys/rotate');
  const after = await keys();
  expect(rs256(after, 'current')).toBe(rs256(before, 'next'));
  expect(kidOf(await signIn('after.rotation@fabrikam.example'))).toBe(rs256(before, 'next'));
});
