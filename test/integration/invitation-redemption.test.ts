import { once } from 'node:events';

import { recordFinding } from '../support/findings.ts';
import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';

/** Invitations: the admin API, the mail, and following the link to the redirect URL. */

let smtp: SmtpListener;
let idp: RunningIdp;
let contoso: SignInFixture;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso', ['contoso.example']);
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

function linkIn(text: string): string {
  const match = /(http:\/\/\S+\/redeem\?ticket=[\w-]+)/.exec(text);
  if (!match) throw new Error(`no redeem link in: ${text}`);
  return match[1] as string;
}

test('the invitation mail leads through the code sign-in to the redirect URL, and redeems the invitation', async () => {
  const redirect = 'https://hr.contoso.example/welcome?from=invite';
  const invitation = await inviteGuest(idp, 'contoso', 'Adele.Vance@Partner.example', {
    invitedUserDisplayName: 'Adele Vance', sendInvitationMessage: true, inviteRedirectUrl: redirect,
  });
  expect(invitation).toMatchObject({
    id: expect.any(String),
    invitedUserEmailAddress: 'adele.vance@partner.example',
    invitedUser: { id: expect.any(String) },
    status: 'PendingAcceptance',
    inviteRedeemUrl: expect.stringMatching(new RegExp(`^${idp.baseUrl}/contoso/v2\\.0/redeem\\?ticket=`)),
  });

  const mail = await smtp.nextMessageTo('adele.vance@partner.example');
  expect(mail.subject).toBe("You're invited to Contoso");
  expect(mail.text).toContain('An administrator of Contoso invited Adele Vance (adele.vance@partner.example)');
  expect(mail.text).toContain('Accepting takes you to hr.contoso.example');
  expect(mail.html).toContain('Accept invitation');
  expect(linkIn(mail.text!)).toBe(invitation.inviteRedeemUrl);

  const guest = new GuestAgent();
  const arrived = (url: string) => url.startsWith(redirect);
  const sendPage = await guest.follow(linkIn(mail.text!), arrived);
  expect(textOf(sendPage.html)).toContain('To accept your invitation to Contoso, we’ll email a sign-in code to adele.vance@partner.example');
  // Redemption is for the invited address only: it cannot be changed.
  expect(sendPage.html).not.toContain('Use a different email address');

  const entering = await guest.submit(sendPage, '/send');
  const end = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo('adele.vance@partner.example')) }, arrived);
  expect(end.location).toBe(redirect);

  const redeemed = await idp.users.find('contoso', invitation.invitedUser.id);
  expect(redeemed).toMatchObject({ externalUserState: 'Accepted', source: 'EmailOTP', displayName: 'Adele Vance' });

  // The link is single-use.
  const again = await guest.follow(invitation.inviteRedeemUrl, arrived);
  expect(again.status).toBe(410);
  expect(textOf(again.html)).toContain('This invitation link can’t be used');

  // Redemption signed the guest in at the tenant: the app's sign-in needs no new code.
  const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
  const callback = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  expect((await rp.redeemCallback(callback.location!)).claims()).toMatchObject({ sub: invitation.invitedUser.id, amr: ['otp'] });
});

test('a guest who signs in through an app before opening the link has redeemed too, and the link is retired', async () => {
  const invitation = await inviteGuest(idp, 'contoso', 'direct@partner.example');
  const guest = new GuestAgent();
  const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: 'direct@partner.example' }), rp.isCallback);
  const entering = await guest.submit(sendPage, '/send');
  await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo('direct@partner.example')) }, rp.isCallback);

  expect((await idp.users.find('contoso', invitation.invitedUser.id))?.externalUserState).toBe('Accepted');
  expect((await new GuestAgent().follow(invitation.inviteRedeemUrl)).status).toBe(410);
  // Inviting an accepted guest again says so.
  expect((await inviteGuest(idp, 'contoso', 'direct@partner.example')).status).toBe('Completed');
});

test('inviting the same address twice keeps one guest', async () => {
  const first = await inviteGuest(idp, 'contoso', 'twice@partner.example');
  const second = await inviteGuest(idp, 'contoso', 'TWICE@partner.example');
  expect(second.invitedUser.id).toBe(first.invitedUser.id);
  expect(second.id).not.toBe(first.id);
});

describe('bad invitations are refused with a 400 and write nothing', () => {
  test.each([
    ['a javascript: redirect', { inviteRedirectUrl: 'javascript:alert(1)' }],
    ['a data: redirect', { inviteRedirectUrl: 'data:text/html,hi' }],
    ['an http redirect off localhost', { inviteRedirectUrl: 'http://apps.example/' }],
    ['a redirect that is not a URL', { inviteRedirectUrl: 'apps' }],
    ['no address', { invitedUserEmailAddress: undefined }],
    ['an address without a domain', { invitedUserEmailAddress: 'someone@' }],
    ['an address with a bad domain', { invitedUserEmailAddress: 'someone@localhost' }],
    ['a non-boolean sendInvitationMessage', { sendInvitationMessage: 'yes' }],
    ['an unknown field', { invitedUserType: 'Member' }],
  ])('%s', async (_case, change) => {
    const before = await snapshotNamespace(idp.namespace);
    const body = { invitedUserEmailAddress: 'valid@partner.example', inviteRedirectUrl: 'https://apps.example/', ...change };
    const response = await idp.admin('POST', '/admin/tenants/contoso/invitations', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('BadRequest');
    expect(await snapshotNamespace(idp.namespace)).toEqual(before);
  });

  test('http on localhost is a fine redirect (development apps)', async () => {
    expect((await inviteGuest(idp, 'contoso', 'local@partner.example', { inviteRedirectUrl: 'http://localhost:8080/home' })).status)
      .toBe('PendingAcceptance');
  });
});

test('a mail server that refuses does not fail the invitation: 201 at once, and the mail arrives once the server accepts again', async () => {
  const refusing = await startSmtpListener();
  refusing.refuse = true;
  const patient = await startIdp({ env: { SMTP_URL: refusing.url, MAIL_RETRY_BASE_MS: '20' } });
  try {
    expect((await patient.admin('POST', '/admin/tenants', { id: 'quiet', displayName: 'Quiet' })).status).toBe(201);
    const refused = once(patient.mailQueue, 'retrying');
    const response = await patient.admin('POST', '/admin/tenants/quiet/invitations', {
      invitedUserEmailAddress: 'later@partner.example', inviteRedirectUrl: 'https://apps.example/', sendInvitationMessage: true,
    });
    expect(response.status).toBe(201);
    await refused;
    expect(refusing.messages).toHaveLength(0);
    // Waiting to be retried: counted in the queue's depth, and stored sealed (the link's ticket is nowhere in Redis).
    expect(await patient.mailQueue.depth()).toBe(1);
    const stored = await snapshotNamespace(patient.namespace);
    const jobs = Object.entries(stored).filter(([key, value]) => key.includes(':{_queue-mail}:mail:') && typeof value === 'object' && value !== null && 'data' in value);
    expect(jobs).toHaveLength(1);
    expect(JSON.parse((jobs[0]![1] as { data: string }).data)).toEqual({ sealed: expect.stringMatching(/^v1\./) });
    const ticket = new URL(response.body.inviteRedeemUrl).searchParams.get('ticket')!;
    expect(JSON.stringify(stored)).not.toContain(ticket);
    refusing.refuse = false;
    const mail = await refusing.nextMessageTo('later@partner.example');
    expect(linkIn(mail.text!)).toBe(response.body.inviteRedeemUrl);
    recordFinding({ kind: 'fault', name: 'SMTP refusing an invitation mail', tried: 'invite with a mail server answering 550, then accepting again', times: 1, result: 'the API answered 201 at once; the mail was retried and delivered once the server accepted' });
  } finally {
    await patient.close();
    await refusing.close();
  }
});

test('a forged or missing ticket gets the same "can’t be used" page', async () => {
  for (const path of ['/contoso/v2.0/redeem?ticket=forged', '/contoso/v2.0/redeem']) {
    const page = await new GuestAgent().follow(`${idp.baseUrl}${path}`);
    expect(page.status).toBe(410);
  }
});
