import { GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, signInWithCode, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.ts';

/**
 * Home-realm discovery against real upstream providers (oidc-provider instances on loopback
 * playing a partner's IdP, Google and the consumer-account service) and a second tenant of this
 * deployment as a home tenant. Each step winning, the precedence when several match, stickiness,
 * reset, and how an upstream identity is linked.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let partner: UpstreamIdp;
let google: UpstreamIdp;
let consumer: UpstreamIdp;
let contoso: SignInFixture;

const CONTOSO_CLIENT = { client_id: 'contoso-at-upstream', client_secret: 'contoso-upstream-secret-0123456789' };

async function startAt(fixture: SignInFixture, email: string, guest = new GuestAgent()) {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const page = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
  return { rp, guest, page };
}

/** On an upstream's sign-in page: choose the account, come back to the app. */
async function chooseUpstreamAccount(guest: GuestAgent, page: GuestPage, sub: string, rp: RelyingParty): Promise<GuestPage> {
  return guest.submit(page, '', { account: sub }, rp.isCallback);
}

async function claimsAfter(rp: RelyingParty, end: GuestPage) {
  expect(end.location && rp.isCallback(end.location)).toBe(true);
  return (await rp.redeemCallback(end.location!)).claims()!;
}

async function userState(email: string) {
  return idp.users.findByMail('contoso', email);
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  [partner, google, consumer] = await Promise.all([
    startUpstreamIdp('Partner IdP', { amr: ['pwd', 'mfa'] }), startUpstreamIdp('Google (test)'), startUpstreamIdp('Consumer accounts (test)'),
  ]);
  idp = await startIdp({
    env: {
      SMTP_URL: smtp.url,
      CONSUMER_ACCOUNTS_ISSUER: consumer.issuer,
      CONSUMER_ACCOUNTS_CLIENT_ID: CONTOSO_CLIENT.client_id,
      CONSUMER_ACCOUNTS_CLIENT_SECRET: CONTOSO_CLIENT.client_secret,
      CONSUMER_ACCOUNTS_LOOKUP_URL: `${consumer.issuer}/lookup`,
      CONSUMER_ACCOUNTS_NAME: 'Consumer account',
    },
  });
  contoso = await tenantWithApp(idp, 'contoso', ['contoso.example']);
  const callbacks = [`${idp.baseUrl}/contoso/v2.0/federation/callback`];
  for (const upstream of [partner, google, consumer]) await upstream.registerClient({ ...CONTOSO_CLIENT, redirect_uris: callbacks });

  expect((await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/partner', {
    type: 'oidc', displayName: 'Partner sign-in', issuer: partner.issuer, ...CONTOSO_CLIENT_API, domains: ['partner.example'],
  })).status).toBe(201);
  expect((await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/google', {
    type: 'google', issuer: google.issuer, ...CONTOSO_CLIENT_API,
  })).status).toBe(201);

  // The home tenant and its member.
  expect((await idp.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam', verifiedDomains: ['fabrikam.example'] })).status).toBe(201);
  expect((await idp.admin('POST', '/admin/tenants/fabrikam/users', { mail: 'megan@fabrikam.example', displayName: 'Megan Bowen' })).status).toBe(201);
});

const CONTOSO_CLIENT_API = { clientId: CONTOSO_CLIENT.client_id, clientSecret: CONTOSO_CLIENT.client_secret };

afterAll(async () => {
  await idp.close();
  await Promise.all([partner.close(), google.close(), consumer.close(), smtp.close()]);
});

describe('each step winning', () => {
  test('2. home tenant: a member of another tenant signs in there, by that tenant’s own method, and comes back', async () => {
    const invitation = await inviteGuest(idp, 'contoso', 'megan@fabrikam.example');
    const { rp, guest, page } = await startAt(contoso, 'megan@fabrikam.example');
    // Now at the home tenant's sign-in, for Contoso.
    expect(page.url).toMatch(new RegExp(`^${idp.baseUrl}/fabrikam/v2\\.0/interaction/`));
    expect(textOf(page.html)).toContain('We’ll email a sign-in code to megan@fabrikam.example');
    const entering = await guest.submit(page, '/send');
    const end = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo('megan@fabrikam.example')) }, rp.isCallback);

    const claims = await claimsAfter(rp, end);
    expect(claims).toMatchObject({
      sub: invitation.invitedUser.id, tid: 'contoso', email: 'megan@fabrikam.example', name: 'Megan Bowen',
      idp: `${idp.baseUrl}/fabrikam/v2.0`, amr: ['otp'],
    });
    expect(await userState('megan@fabrikam.example')).toMatchObject({ externalUserState: 'Accepted', source: 'HomeTenant' });
    // The member signed in at home: its own record says so.
    expect(await idp.users.findByMail('fabrikam', 'megan@fabrikam.example')).toMatchObject({ userType: 'Member', source: 'EmailOTP', lastSignInDateTime: expect.any(String) });
  });

  test('3. direct federation: the tenant’s OIDC provider for the domain', async () => {
    partner.addAccount({ sub: 'ana-1', email: 'ana@partner.example', name: 'Ana Partner' });
    await inviteGuest(idp, 'contoso', 'ana@partner.example');
    const { rp, guest, page } = await startAt(contoso, 'ana@partner.example');
    expect(page.url.startsWith(partner.issuer)).toBe(true);
    expect(textOf(page.html)).toContain('Sign in to Partner IdP');
    const claims = await claimsAfter(rp, await chooseUpstreamAccount(guest, page, 'ana-1', rp));
    expect(claims).toMatchObject({ email: 'ana@partner.example', idp: partner.issuer, amr: ['pwd', 'mfa'], tid: 'contoso' });
    expect(await userState('ana@partner.example')).toMatchObject({
      externalUserState: 'Accepted', source: 'DirectFederation', displayName: 'Ana Partner',
      upstreamIdentity: { issuer: partner.issuer, subject: 'ana-1', identityProviderId: 'partner' },
    });
  });

  test('4. Google for gmail.com and googlemail.com', async () => {
    for (const [sub, email] of [['bob-1', 'bob@gmail.com'], ['bea-1', 'bea@googlemail.com']]) {
      google.addAccount({ sub: sub!, email: email! });
      await inviteGuest(idp, 'contoso', email!);
      const { rp, guest, page } = await startAt(contoso, email!);
      expect(page.url.startsWith(google.issuer)).toBe(true);
      const claims = await claimsAfter(rp, await chooseUpstreamAccount(guest, page, sub!, rp));
      expect(claims.idp).toBe(google.issuer);
      expect(await userState(email!)).toMatchObject({ source: 'Google' });
    }
  });

  test('5. a consumer account, when the lookup says the address has one', async () => {
    consumer.addAccount({ sub: 'carol-1', email: 'carol@mail.example' });
    consumer.consumerAccounts.add('carol@mail.example');
    await inviteGuest(idp, 'contoso', 'carol@mail.example');
    const { rp, guest, page } = await startAt(contoso, 'carol@mail.example');
    expect(page.url.startsWith(consumer.issuer)).toBe(true);
    await claimsAfter(rp, await chooseUpstreamAccount(guest, page, 'carol-1', rp));
    expect(await userState('carol@mail.example')).toMatchObject({ source: 'ConsumerAccount' });
  });

  test('6. email one-time passcode when nothing else claims the address', async () => {
    await inviteGuest(idp, 'contoso', 'dave@elsewhere.example');
    const { page } = await startAt(contoso, 'dave@elsewhere.example');
    expect(page.url).toMatch(/\/contoso\/v2\.0\/interaction\//);
    expect(textOf(page.html)).toContain('We’ll email a sign-in code to dave@elsewhere.example');
  });

  test('7. no method: an error page that says so and what to ask for', async () => {
    await idp.admin('PATCH', '/admin/tenants/contoso/policies/invitationRedemption', { fallbackIdentityProvider: 'microsoftAccount' });
    try {
      await inviteGuest(idp, 'contoso', 'erin@elsewhere.example');
      const { page } = await startAt(contoso, 'erin@elsewhere.example');
      expect(page.status).toBe(403);
      expect(textOf(page.html)).toContain('Contoso has no way for erin@elsewhere.example to sign in');
      expect(textOf(page.html)).toContain('Ask the person who invited you');
    } finally {
      await idp.admin('PATCH', '/admin/tenants/contoso/policies/invitationRedemption', { fallbackIdentityProvider: 'defaultConfiguredIdp' });
    }
  });
});

describe('precedence', () => {
  test('a domain that is both another tenant’s and claimed by direct federation goes to the home tenant, unless the tenant reorders', async () => {
    expect((await idp.admin('POST', '/admin/tenants', { id: 'dualhome', displayName: 'Dual Home', verifiedDomains: ['dual.example'] })).status).toBe(201);
    expect((await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/dual', {
      type: 'oidc', displayName: 'Dual IdP', issuer: partner.issuer, ...CONTOSO_CLIENT_API, domains: ['dual.example'],
    })).status).toBe(201);
    await inviteGuest(idp, 'contoso', 'fay@dual.example');

    const byDefault = await startAt(contoso, 'fay@dual.example');
    expect(byDefault.page.url).toMatch(new RegExp(`^${idp.baseUrl}/dualhome/v2\\.0/interaction/`));

    const reordered = await idp.admin('PATCH', '/admin/tenants/contoso/policies/invitationRedemption', {
      primaryIdentityProviderPrecedenceOrder: ['externalFederation', 'azureActiveDirectory', 'socialIdentityProviders'],
    });
    expect(reordered.body).toEqual({
      primaryIdentityProviderPrecedenceOrder: ['externalFederation', 'azureActiveDirectory', 'socialIdentityProviders'],
      fallbackIdentityProvider: 'defaultConfiguredIdp',
    });
    try {
      const afterReorder = await startAt(contoso, 'fay@dual.example');
      expect(afterReorder.page.url.startsWith(partner.issuer)).toBe(true);
    } finally {
      await idp.admin('PATCH', '/admin/tenants/contoso/policies/invitationRedemption', {
        primaryIdentityProviderPrecedenceOrder: ['azureActiveDirectory', 'externalFederation', 'socialIdentityProviders'],
      });
    }
  });

  test('Google wins over a consumer account; the fallback choice decides between consumer account and code', async () => {
    consumer.consumerAccounts.add('gil@gmail.com');
    await inviteGuest(idp, 'contoso', 'gil@gmail.com');
    expect((await startAt(contoso, 'gil@gmail.com')).page.url.startsWith(google.issuer)).toBe(true);

    consumer.consumerAccounts.add('hal@mail.example');
    await inviteGuest(idp, 'contoso', 'hal@mail.example');
    expect((await startAt(contoso, 'hal@mail.example')).page.url.startsWith(consumer.issuer)).toBe(true);
    await idp.admin('PATCH', '/admin/tenants/contoso/policies/invitationRedemption', { fallbackIdentityProvider: 'emailOneTimePasscode' });
    try {
      const withCodes = await startAt(contoso, 'hal@mail.example');
      expect(textOf(withCodes.page.html)).toContain('We’ll email a sign-in code to hal@mail.example');
    } finally {
      await idp.admin('PATCH', '/admin/tenants/contoso/policies/invitationRedemption', { fallbackIdentityProvider: 'defaultConfiguredIdp' });
    }
  });

  test('a bad redemption order is a 400', async () => {
    for (const body of [
      { primaryIdentityProviderPrecedenceOrder: ['externalFederation', 'externalFederation', 'socialIdentityProviders'] },
      { primaryIdentityProviderPrecedenceOrder: ['azureActiveDirectory'] },
      { fallbackIdentityProvider: 'carrierPigeon' },
      {},
    ]) {
      expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/invitationRedemption', body)).status).toBe(400);
    }
  });
});

describe('stickiness and reset', () => {
  test('a guest who redeemed with a code keeps using codes after their domain gets a provider, until reset', async () => {
    await inviteGuest(idp, 'contoso', 'ian@later.example');
    await signInWithCode(new GuestAgent(), contoso, 'ian@later.example', smtp);
    expect(await userState('ian@later.example')).toMatchObject({ source: 'EmailOTP' });

    partner.addAccount({ sub: 'ian-1', email: 'ian@later.example' });
    expect((await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/later', {
      type: 'oidc', issuer: partner.issuer, ...CONTOSO_CLIENT_API, domains: ['later.example'],
    })).status).toBe(201);
    const sticky = await startAt(contoso, 'ian@later.example');
    expect(textOf(sticky.page.html)).toContain('We’ll email a sign-in code to ian@later.example');

    await idp.admin('POST', '/admin/tenants/contoso/invitations', {
      invitedUserEmailAddress: 'ian@later.example', inviteRedirectUrl: 'https://apps.example/', resetRedemption: true,
    });
    const { rp, guest, page } = await startAt(contoso, 'ian@later.example');
    expect(page.url.startsWith(partner.issuer)).toBe(true);
    await claimsAfter(rp, await chooseUpstreamAccount(guest, page, 'ian-1', rp));
    expect(await userState('ian@later.example')).toMatchObject({ source: 'DirectFederation', upstreamIdentity: { subject: 'ian-1' } });
  });

  test('a federated guest keeps their provider, even when their domain now points elsewhere', async () => {
    partner.addAccount({ sub: 'jo-1', email: 'jo@moving.example' });
    await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/moving', { type: 'oidc', issuer: partner.issuer, ...CONTOSO_CLIENT_API, domains: ['moving.example'] });
    await inviteGuest(idp, 'contoso', 'jo@moving.example');
    const first = await startAt(contoso, 'jo@moving.example');
    await claimsAfter(first.rp, await chooseUpstreamAccount(first.guest, first.page, 'jo-1', first.rp));

    // moving.example becomes another tenant's verified domain: discovery would now say "home tenant".
    expect((await idp.admin('POST', '/admin/tenants', { id: 'movinghome', displayName: 'Moving Home', verifiedDomains: ['moving.example'] })).status).toBe(201);
    const again = await startAt(contoso, 'jo@moving.example');
    expect(again.page.url.startsWith(partner.issuer)).toBe(true);
  });
});

describe('linking an upstream identity', () => {
  test('a different upstream account with the same address is refused once the guest is linked', async () => {
    partner.addAccount({ sub: 'kim-1', email: 'kim@partner.example' });
    partner.addAccount({ sub: 'kim-2', email: 'kim@partner.example', name: 'Another Kim' });
    await inviteGuest(idp, 'contoso', 'kim@partner.example');
    const first = await startAt(contoso, 'kim@partner.example');
    await claimsAfter(first.rp, await chooseUpstreamAccount(first.guest, first.page, 'kim-1', first.rp));

    const second = await startAt(contoso, 'kim@partner.example');
    const refused = await chooseUpstreamAccount(second.guest, second.page, 'kim-2', second.rp);
    expect(second.rp.isCallback(refused.location ?? '')).toBe(false);
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('That is a different account');
    expect(await userState('kim@partner.example')).toMatchObject({ upstreamIdentity: { subject: 'kim-1' } });
  });

  test('an unverified upstream address is refused at redemption, and nothing is redeemed', async () => {
    partner.addAccount({ sub: 'lee-1', email: 'lee@partner.example', email_verified: false });
    await inviteGuest(idp, 'contoso', 'lee@partner.example');
    const { rp, guest, page } = await startAt(contoso, 'lee@partner.example');
    const refused = await chooseUpstreamAccount(guest, page, 'lee-1', rp);
    expect(textOf(refused.html)).toContain('hasn’t confirmed your address');
    expect(await userState('lee@partner.example')).toMatchObject({ externalUserState: 'PendingAcceptance', source: null });
    expect((await userState('lee@partner.example'))?.upstreamIdentity ?? null).toBeNull();
  });

  test('an upstream account with another address does not redeem the invitation', async () => {
    partner.addAccount({ sub: 'max-1', email: 'someone-else@partner.example' });
    await inviteGuest(idp, 'contoso', 'max@partner.example');
    const { rp, guest, page } = await startAt(contoso, 'max@partner.example');
    const refused = await chooseUpstreamAccount(guest, page, 'max-1', rp);
    expect(textOf(refused.html)).toContain('You signed in at Partner sign-in as someone-else@partner.example, but the invitation is for max@partner.example');
    expect(await userState('max@partner.example')).toMatchObject({ externalUserState: 'PendingAcceptance' });
  });

  test('an address the tenant never invited is told it has no access, after signing in upstream', async () => {
    partner.addAccount({ sub: 'ned-1', email: 'ned@partner.example' });
    const { rp, guest, page } = await startAt(contoso, 'ned@partner.example');
    const refused = await chooseUpstreamAccount(guest, page, 'ned-1', rp);
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('Contoso has not invited ned@partner.example');
    expect(await userState('ned@partner.example')).toBeUndefined();
  });
});

test('turning email codes off stops a code guest but not a federated one', async () => {
  partner.addAccount({ sub: 'otto-1', email: 'otto@partner.example' });
  await inviteGuest(idp, 'contoso', 'otto@partner.example');
  const first = await startAt(contoso, 'otto@partner.example');
  await claimsAfter(first.rp, await chooseUpstreamAccount(first.guest, first.page, 'otto-1', first.rp));
  await inviteGuest(idp, 'contoso', 'pia@elsewhere.example');
  await signInWithCode(new GuestAgent(), contoso, 'pia@elsewhere.example', smtp);

  await idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state: 'disabled' });
  try {
    const federated = await startAt(contoso, 'otto@partner.example');
    await claimsAfter(federated.rp, await chooseUpstreamAccount(federated.guest, federated.page, 'otto-1', federated.rp));
    const codeGuest = await startAt(contoso, 'pia@elsewhere.example');
    expect(textOf(codeGuest.page.html)).toContain('Contoso has turned off sign-in with one-time passcodes');
  } finally {
    await idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state: 'default' });
  }
});
