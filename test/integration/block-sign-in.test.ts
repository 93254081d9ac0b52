import * as oidc from 'openid-client';

import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { type PartnerFederation, startPartnerFederation } from '../support/partner-federation.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, signInWithCode, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * PATCH of a user (display name, a member's roles, accountEnabled) and Entra's "Block sign-in":
 * a blocked guest's tokens and session end at once, and every sign-in is refused with a page of
 * its own until the administrator unblocks them.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let fabrikam: SignInFixture;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  fabrikam = await tenantWithApp(idp, 'fabrikam');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

function patchUser(id: string, body: unknown) {
  return idp.admin('PATCH', `/admin/tenants/fabrikam/users/${id}`, body);
}

/** Sign-in by email code up to the answer of `/verify`, which a blocked guest does not get past. */
async function signInUntilVerified(guest: GuestAgent, rp: RelyingParty, email: string) {
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
  const entering = await guest.submit(sendPage, '/send');
  return guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, rp.isCallback);
}

describe('PATCH /admin/tenants/{t}/users/{id}', () => {
  test('renames a guest; GET and the list show accountEnabled, and no roles for a guest', async () => {
    const invitation = await inviteGuest(idp, 'fabrikam', 'renamed@partner.example');
    const patched = await patchUser(invitation.invitedUser.id, { displayName: 'Renamed Guest' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: invitation.invitedUser.id, displayName: 'Renamed Guest', accountEnabled: true });
    expect(patched.body).not.toHaveProperty('roles');
    const shown = await idp.admin('GET', `/admin/tenants/fabrikam/users/${invitation.invitedUser.id}`);
    expect(shown.body).toEqual(patched.body);
  });

  test('gives a member roles, stored once each in one order, shown by GET and the list', async () => {
    const created = await idp.admin('POST', '/admin/tenants/fabrikam/users', { mail: 'owner@fabrikam.example' });
    expect(created.body).toMatchObject({ userType: 'Member', roles: [], accountEnabled: true });
    const patched = await patchUser(created.body.id, { roles: ['guestInviter', 'admin'] });
    expect(patched.status).toBe(200);
    expect(patched.body.roles).toEqual(['admin', 'guestInviter']);
    const listed = await idp.admin('GET', `/admin/tenants/fabrikam/users?$filter=${encodeURIComponent("mail eq 'owner@fabrikam.example'")}`);
    expect(listed.body.value[0]).toMatchObject({ roles: ['admin', 'guestInviter'], accountEnabled: true });
    expect((await patchUser(created.body.id, { roles: [] })).body.roles).toEqual([]);
  });

  test.each([
    ['an unknown field', { displayName: 'x', mail: 'other@partner.example' }, /mail/],
    ['an empty body', {}, /at least one of/],
    ['an unknown role', { roles: ['owner'] }, /admin, guestInviter/],
    ['a role twice', { roles: ['admin', 'admin'] }, /twice/],
    ['accountEnabled that is not a boolean', { accountEnabled: 'false' }, /accountEnabled/],
  ])('refuses %s with a 400 and changes nothing', async (_name, body, message) => {
    const created = await idp.admin('POST', '/admin/tenants/fabrikam/users', { mail: `bad-${Math.random().toString(36).slice(2)}@fabrikam.example` });
    const response = await patchUser(created.body.id, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'BadRequest', message: expect.stringMatching(message) });
    expect((await idp.admin('GET', `/admin/tenants/fabrikam/users/${created.body.id}`)).body).toEqual(created.body);
  });

  test('refuses roles for a guest (400) and an unknown user (404)', async () => {
    const invitation = await inviteGuest(idp, 'fabrikam', 'no-roles@partner.example');
    const response = await patchUser(invitation.invitedUser.id, { roles: ['admin'] });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/members only.*guest/);
    expect((await idp.admin('GET', `/admin/tenants/fabrikam/users/${invitation.invitedUser.id}`)).body).not.toHaveProperty('roles');
    expect((await patchUser('nobody', { accountEnabled: false })).status).toBe(404);
  });
});

describe('blocking sign-in (accountEnabled false)', () => {
  test('ends a signed-in guest\'s refresh token and session, refuses sign-in with its own page, and unblocking lets them in again', async () => {
    const email = 'blocked@partner.example';
    const invitation = await inviteGuest(idp, 'fabrikam', email);
    const guest = new GuestAgent();
    const { rp, tokens } = await signInWithCode(guest, fabrikam, email, smtp, { scope: 'openid email offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
    const silent = await guest.follow(await rp.authorizationUrl({ prompt: 'none' }), rp.isCallback);
    expect(new URL(silent.location!).searchParams.has('code')).toBe(true);

    const blocked = await patchUser(invitation.invitedUser.id, { accountEnabled: false });
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ accountEnabled: false, externalUserState: 'Accepted' });

    await expect(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(rp.config, refreshed.access_token)).active).toBe(false);
    const afterBlock = await guest.follow(await rp.authorizationUrl({ prompt: 'none' }), rp.isCallback);
    expect(rp.isCallback(afterBlock.location ?? '')).toBe(true);
    expect(new URL(afterBlock.location!).searchParams.get('error')).toBe('login_required');

    // Proving the address again does not help: the page says blocked, and whom to ask.
    const refused = await signInUntilVerified(guest, rp, email);
    expect(refused.status).toBe(403);
    expect(rp.isCallback(refused.location ?? '')).toBe(false);
    const text = textOf(refused.html);
    expect(text).toContain('Your account is blocked from signing in');
    expect(text).toContain('Contact the administrator of Fabrikam');

    expect((await patchUser(invitation.invitedUser.id, { accountEnabled: true })).body.accountEnabled).toBe(true);
    const again = await signInWithCode(new GuestAgent(), fabrikam, email, smtp);
    expect(again.tokens.claims()?.sub).toBe(invitation.invitedUser.id);
  });

  test('refuses a blocked guest\'s invitation link with the same page, and leaves the invitation pending', async () => {
    const email = 'blocked-invitee@partner.example';
    const invitation = await inviteGuest(idp, 'fabrikam', email);
    await patchUser(invitation.invitedUser.id, { accountEnabled: false });
    const guest = new GuestAgent();
    const arrived = (url: string) => url.startsWith('https://apps.example/');
    const sendPage = await guest.follow(invitation.inviteRedeemUrl, arrived);
    const entering = await guest.submit(sendPage, '/send');
    const refused = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, arrived);
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('Your account is blocked from signing in');
    expect((await idp.admin('GET', `/admin/tenants/fabrikam/users/${invitation.invitedUser.id}`)).body)
      .toMatchObject({ externalUserState: 'PendingAcceptance', accountEnabled: false });
  });

  test('the refusal is in the guest\'s language', async () => {
    const email = 'blocked-de@partner.example';
    const invitation = await inviteGuest(idp, 'fabrikam', email);
    await patchUser(invitation.invitedUser.id, { accountEnabled: false });
    const guest = new GuestAgent({ 'accept-language': 'de' });
    const rp = await RelyingParty.discover(fabrikam.issuer, fabrikam.app, fabrikam.redirectUri);
    const refused = await signInUntilVerified(guest, rp, email);
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('Die Anmeldung für Ihr Konto ist gesperrt');
  });
});

describe('a blocked guest who signs in at an upstream provider', () => {
  let partner: PartnerFederation;

  beforeAll(async () => {
    partner = await startPartnerFederation();
  });

  afterAll(async () => {
    await partner.close();
  });

  test('is refused after the upstream sign-in with the same page, linked to nothing, and let in once unblocked', async () => {
    const { guest, rp, page, email, sub } = await partner.atUpstream();
    const user = await partner.idp.users.findByMail('contoso', email);
    await partner.idp.admin('PATCH', `/admin/tenants/contoso/users/${user!.id}`, { accountEnabled: false });
    const refused = await guest.submit(page, '', { account: sub }, rp.isCallback);
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('Your account is blocked from signing in');
    expect(textOf(refused.html)).toContain('Contact the administrator of Contoso');
    await partner.expectNothingRedeemed(email);

    await partner.idp.admin('PATCH', `/admin/tenants/contoso/users/${user!.id}`, { accountEnabled: true });
    // Still signed in at the partner: straight back to the app this time.
    const end = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
    expect(rp.isCallback(end.location ?? '')).toBe(true);
    expect((await rp.redeemCallback(end.location!)).claims()?.sub).toBe(user!.id);
  });
});
