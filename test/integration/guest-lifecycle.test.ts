import * as oidc from 'openid-client';

import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { inviteGuest, type SignInFixture, signInWithCode, startSignIn, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/** After the invitation: the users list, deleting a guest, resetting redemption. */

let smtp: SmtpListener;
let idp: RunningIdp;
let contoso: SignInFixture;

type ListedUser = { id: string; mail: string; externalUserState: string; source: string | null; userType: string; lastSignInDateTime: string | null };

async function listUsers(query = ''): Promise<{ status: number; value: ListedUser[]; next?: string; body: any }> {
  const response = await idp.admin('GET', `/admin/tenants/contoso/users${query}`);
  return { status: response.status, value: response.body.value, next: response.body['@odata.nextLink'], body: response.body };
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

describe('the users list', () => {
  const pending = ['list-a@partner.example', 'list-b@partner.example', 'list-c@partner.example', 'list-d@partner.example'];
  const accepted = ['list-e@partner.example', 'list-f@partner.example', 'list-g@partner.example'];

  beforeAll(async () => {
    for (const email of [...pending, ...accepted]) await inviteGuest(idp, 'contoso', email);
    for (const email of accepted) await signInWithCode(new GuestAgent(), contoso, email, smtp);
  });

  test('shows every guest with the fields of the contract; redeemed ones with source EmailOTP', async () => {
    const { value } = await listUsers();
    const listed = new Map(value.map((user) => [user.mail, user]));
    for (const email of pending) {
      expect(listed.get(email)).toEqual({
        id: expect.any(String), mail: email, displayName: null, userType: 'Guest', externalUserState: 'PendingAcceptance',
        externalUserStateChangeDateTime: null, source: null, createdDateTime: expect.any(String), lastSignInDateTime: null, accountEnabled: true,
      });
    }
    for (const email of accepted) {
      expect(listed.get(email)).toMatchObject({ userType: 'Guest', externalUserState: 'Accepted', source: 'EmailOTP', lastSignInDateTime: expect.any(String) });
    }
  });

  test.each([
    ["externalUserState eq 'Accepted'", (user: ListedUser) => user.externalUserState === 'Accepted'],
    ["externalUserState eq 'PendingAcceptance'", (user: ListedUser) => user.externalUserState === 'PendingAcceptance'],
    ["source eq 'EmailOTP'", (user: ListedUser) => user.source === 'EmailOTP'],
    ["userType eq 'Guest' and externalUserState eq 'Accepted'", (user: ListedUser) => user.externalUserState === 'Accepted'],
  ])('filters with $filter=%s', async (filter, expected) => {
    const all = (await listUsers()).value;
    const filtered = await listUsers(`?$filter=${encodeURIComponent(filter)}`);
    expect(filtered.status).toBe(200);
    expect(filtered.value.map((user) => user.id)).toEqual(all.filter(expected).map((user) => user.id));
    expect(filtered.value.length).toBeGreaterThan(0);
  });

  test('pages with $top and @odata.nextLink, in creation order, without repeats', async () => {
    const all = (await listUsers()).value.map((user) => user.id);
    const seen: string[] = [];
    let page = await listUsers('?$top=3');
    for (;;) {
      expect(page.value.length).toBeLessThanOrEqual(3);
      seen.push(...page.value.map((user) => user.id));
      if (!page.next) break;
      const next = new URL(page.next);
      expect(next.origin).toBe(idp.baseUrl);
      page = await listUsers(next.search);
    }
    expect(seen).toEqual(all);

    const pendingFilter = encodeURIComponent("externalUserState eq 'PendingAcceptance'");
    const allPending = (await listUsers(`?$filter=${pendingFilter}`)).value.map((user) => user.id);
    const filteredSeen: string[] = [];
    let filtered = await listUsers(`?$top=2&$filter=${pendingFilter}`);
    for (;;) {
      filteredSeen.push(...filtered.value.map((user) => user.id));
      if (!filtered.next) break;
      expect(new URL(filtered.next).searchParams.get('$filter')).toBe("externalUserState eq 'PendingAcceptance'");
      filtered = await listUsers(new URL(filtered.next).search);
    }
    expect(filteredSeen).toEqual(allPending);
    expect(allPending.length).toBeGreaterThanOrEqual(pending.length);
  });

  test('finds one guest by address with $filter=mail eq', async () => {
    const found = await listUsers(`?$filter=${encodeURIComponent("mail eq 'LIST-E@partner.example'")}`);
    expect(found.value.map((user) => user.mail)).toEqual(['list-e@partner.example']);
    const none = await listUsers(`?$filter=${encodeURIComponent("mail eq 'list-e@partner.example' and externalUserState eq 'PendingAcceptance'")}`);
    expect(none.value).toEqual([]);
  });

  test.each([
    ["displayName eq 'x'", /Unsupported \$filter/],
    ["source eq 'Password'", /source is one of/],
    ['externalUserState ne 1', /Unsupported \$filter/],
  ])('an unsupported filter (%s) is a 400', async (filter, message) => {
    const response = await idp.admin('GET', `/admin/tenants/contoso/users?$filter=${encodeURIComponent(filter)}`);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
  });

  test('$top and $skiptoken are checked', async () => {
    expect((await idp.admin('GET', '/admin/tenants/contoso/users?$top=0')).status).toBe(400);
    expect((await idp.admin('GET', '/admin/tenants/contoso/users?$top=1000')).status).toBe(400);
    expect((await idp.admin('GET', '/admin/tenants/contoso/users?$skiptoken=bm90LWEtbnVtYmVy')).status).toBe(400);
  });
});

describe('one guest', () => {
  test('is shown by id; an unknown id is a 404', async () => {
    const invitation = await inviteGuest(idp, 'contoso', 'shown@partner.example', { invitedUserDisplayName: 'Shown Guest' });
    const shown = await idp.admin('GET', `/admin/tenants/contoso/users/${invitation.invitedUser.id}`);
    expect(shown.body).toMatchObject({ id: invitation.invitedUser.id, mail: 'shown@partner.example', displayName: 'Shown Guest' });
    expect((await idp.admin('GET', '/admin/tenants/contoso/users/nobody')).status).toBe(404);
    expect((await idp.admin('DELETE', '/admin/tenants/contoso/users/nobody')).status).toBe(404);
  });

  test('deleting a guest stops their refresh token, access token and session at once, and removes them from the list', async () => {
    const email = 'leaving@partner.example';
    const invitation = await inviteGuest(idp, 'contoso', email);
    const guest = new GuestAgent();
    const { rp, tokens } = await signInWithCode(guest, contoso, email, smtp, { scope: 'openid email offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    // All working before:
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
    await oidc.fetchUserInfo(rp.config, refreshed.access_token, invitation.invitedUser.id);
    const sso = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
    expect(rp.isCallback(sso.location!)).toBe(true);

    expect((await idp.admin('DELETE', `/admin/tenants/contoso/users/${invitation.invitedUser.id}`)).status).toBe(204);

    await expect(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(rp.config, refreshed.access_token, invitation.invitedUser.id)).rejects.toThrow();
    expect((await oidc.tokenIntrospection(rp.config, refreshed.access_token)).active).toBe(false);
    const after = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
    expect(after.status).toBe(200);
    expect(rp.isCallback(after.location ?? '')).toBe(false);

    expect((await listUsers()).value.map((user) => user.mail)).not.toContain(email);
    expect((await idp.admin('GET', `/admin/tenants/contoso/users/${invitation.invitedUser.id}`)).status).toBe(404);
    // The address can be invited again afresh.
    expect((await inviteGuest(idp, 'contoso', email)).status).toBe('PendingAcceptance');
  });
});

describe('reset redemption', () => {
  test('clears the recorded method, signs the guest out, mails a new invitation, and the next sign-in redeems again', async () => {
    const email = 'reset@partner.example';
    const invitation = await inviteGuest(idp, 'contoso', email);
    const guest = new GuestAgent();
    const { rp } = await signInWithCode(guest, contoso, email, smtp);
    expect((await idp.admin('GET', `/admin/tenants/contoso/users/${invitation.invitedUser.id}`)).body)
      .toMatchObject({ externalUserState: 'Accepted', source: 'EmailOTP' });

    const reset = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
      invitedUserEmailAddress: email, inviteRedirectUrl: 'https://apps.example/again', sendInvitationMessage: true, resetRedemption: true,
    });
    expect(reset.status).toBe(201);
    expect(reset.body).toMatchObject({ status: 'PendingAcceptance', invitedUser: { id: invitation.invitedUser.id } });
    const listed = (await listUsers()).value.find((user) => user.mail === email)!;
    expect(listed).toMatchObject({ externalUserState: 'PendingAcceptance', source: null });

    // Signed out: the app's next sign-in asks again.
    const after = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
    expect(rp.isCallback(after.location ?? '')).toBe(false);
    expect(textOf(after.html)).toContain('Sign in');

    // The new invitation mail leads through sign-in again and redeems again.
    const mail = await smtp.nextMessageTo(email);
    const link = /(http:\/\/\S+\/redeem\?ticket=[\w-]+)/.exec(mail.text!)![1]!;
    const arrived = (url: string) => url.startsWith('https://apps.example/again');
    const sendPage = await guest.follow(link, arrived);
    const entering = await guest.submit(sendPage, '/send');
    const end = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, arrived);
    expect(end.location).toBe('https://apps.example/again');
    expect((await listUsers()).value.find((user) => user.mail === email)).toMatchObject({ externalUserState: 'Accepted', source: 'EmailOTP' });
  });

  test('an address without a guest cannot be reset', async () => {
    const response = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
      invitedUserEmailAddress: 'never-invited@partner.example', inviteRedirectUrl: 'https://apps.example/', resetRedemption: true,
    });
    expect(response.status).toBe(404);
  });
});

test('a sign-in started before a guest was deleted cannot finish', async () => {
  const email = 'midway@partner.example';
  const invitation = await inviteGuest(idp, 'contoso', email);
  const guest = new GuestAgent();
  const { page, rp } = await startSignIn(guest, contoso, email);
  const entering = await guest.submit(page, '/send');
  const code = codeIn(await smtp.nextMessageTo(email));
  await idp.admin('DELETE', `/admin/tenants/contoso/users/${invitation.invitedUser.id}`);
  const refused = await guest.submit(entering, '/verify', { code }, rp.isCallback);
  expect(rp.isCallback(refused.location ?? '')).toBe(false);
  expect(textOf(refused.html)).toContain('This sign-in has expired');
});
