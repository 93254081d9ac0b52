import { GuestAgent, type GuestPage } from '../support/guest-agent.ts';
import { type PartnerFederation, startPartnerFederation } from '../support/partner-federation.ts';
import { RelyingParty } from '../support/relying-party.ts';

/**
 * The sign-in log for guests who sign in at an upstream provider: a success names the provider as
 * the authentication method; an upstream refusal, an address that is not invited and an account
 * the provider does not vouch for each get their own errorCode and failureReason.
 */

let federation: PartnerFederation;

beforeAll(async () => {
  federation = await startPartnerFederation();
});

afterAll(() => federation.close());

/** Signs in at the partner with `account` and comes back, stopping at the app (or an error page). */
async function backFromUpstream(guest: GuestAgent, page: GuestPage, account: string, isCallback: (url: string) => boolean): Promise<GuestPage> {
  const atCallback = await guest.submit(page, '', { account }, (url) => url.includes('/federation/callback'));
  const toFederated = await guest.request(atCallback.location!);
  // `/federated` is the request that ends the attempt.
  const federated = await guest.request(toFederated.location!);
  if (federated.location && !isCallback(federated.location)) await guest.follow(federated.location, isCallback);
  return federated;
}

async function entryOf(page: GuestPage) {
  const answer = await federation.idp.admin('GET', '/admin/tenants/contoso/signIns');
  const entries = (answer.body.value as Array<Record<string, any>>).filter((entry) => entry.correlationId === page.requestId);
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

test('a federated sign-in is logged with the provider as its method', async () => {
  const { guest, rp, page, email, sub } = await federation.atUpstream();
  const federated = await backFromUpstream(guest, page, sub, rp.isCallback);
  const user = await federation.idp.users.findByMail('contoso', email);
  expect(await entryOf(federated)).toMatchObject({
    userId: user!.id, userPrincipalName: email, appId: federation.contoso.app.client_id,
    authenticationMethod: 'Federated identity provider (Partner IdP)',
    status: { errorCode: 0, failureReason: null },
  });
});

test('the upstream refusing the sign-in is logged with its OAuth error', async () => {
  const { guest, rp, page, email } = await federation.atUpstream();
  const federated = await backFromUpstream(guest, page, '__cancel', rp.isCallback);
  expect(federated.status).toBe(400);
  expect(await entryOf(federated)).toMatchObject({
    userPrincipalName: email, authenticationMethod: 'Federated identity provider (Partner IdP)',
    status: { errorCode: 1900041, failureReason: expect.stringContaining('Partner IdP refused the sign-in (access_denied)') },
  });
});

test('an account the provider does not vouch for, and an address that is not invited', async () => {
  const unverified = await federation.atUpstream({ email_verified: false });
  const refused = await backFromUpstream(unverified.guest, unverified.page, unverified.sub, unverified.rp.isCallback);
  expect(refused.status).toBe(403);
  expect((await entryOf(refused)).status).toEqual({ errorCode: 1900031, failureReason: expect.stringContaining('does not vouch for the account\'s address') });

  // Not invited: the partner knows the account, the tenant does not.
  federation.upstream.addAccount({ sub: 'stranger-sub', email: 'stranger@partner.example' });
  const guest = new GuestAgent();
  const { contoso } = federation;
  const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
  const page = await guest.follow(await rp.authorizationUrl({ login_hint: 'stranger@partner.example' }), rp.isCallback);
  const notInvited = await backFromUpstream(guest, page, 'stranger-sub', rp.isCallback);
  expect(notInvited.status).toBe(403);
  expect(await entryOf(notInvited)).toMatchObject({
    userId: null, userPrincipalName: 'stranger@partner.example',
    status: { errorCode: 50020, failureReason: expect.stringContaining('invite it first') },
  });
});
