import { loadConfig } from '../../src/config.ts';
import { ConfigurationError } from '../../src/errors.ts';
import { recordFinding } from '../support/findings.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.ts';

/**
 * Display names reach plain-text mails, pages and ID tokens verbatim: one with CR/LF can forge
 * mail lines, one with a bidi override or an invisible character can read as another name. The
 * admin API refuses them in every name field (400 naming the field, nothing written); a name
 * from an upstream provider is dropped; a configured one stops the start.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let partner: UpstreamIdp;
let contoso: SignInFixture;

const PARTNER_CLIENT = { client_id: 'contoso', client_secret: 'contoso-at-partner-0123456789' };

beforeAll(async () => {
  smtp = await startSmtpListener();
  partner = await startUpstreamIdp('Partner IdP');
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso');
  await partner.registerClient({ ...PARTNER_CLIENT, redirect_uris: [`${idp.baseUrl}/contoso/v2.0/federation/callback`] });
  expect((await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/partner', {
    type: 'oidc', issuer: partner.issuer, clientId: PARTNER_CLIENT.client_id, clientSecret: PARTNER_CLIENT.client_secret, domains: ['partner.example'],
  })).status).toBe(201);
  expect((await idp.admin('POST', '/admin/tenants/contoso/users', { mail: 'member@contoso.example' })).status).toBe(201);
});

afterAll(async () => {
  await idp?.close();
  await partner?.close();
  await smtp?.close();
});

/** Names that disguise themselves, each with the code point the refusal names. */
const DISGUISED: [label: string, name: string, codePoint: string][] = [
  ['CR/LF (a forged mail line)', 'Contoso IT\r\nBcc: everyone@contoso.example', 'U+000D'],
  ['a bare LF at the end', 'Contoso IT\n', 'U+000A'],
  ['NUL', 'Contoso\u0000IT', 'U+0000'],
  ['DEL', 'Contoso\u007fIT', 'U+007F'],
  ['a C1 control (NEL)', 'Contoso\u0085IT', 'U+0085'],
  ['a right-to-left override', 'Invoice \u202Efdp.exe', 'U+202E'],
  ['a left-to-right embedding', '\u202AContoso', 'U+202A'],
  ['a first-strong isolate', 'Contoso \u2068IT\u2069', 'U+2068'],
  ['a zero-width space', 'Con\u200Btoso', 'U+200B'],
  ['a right-to-left mark', 'Contoso\u200F', 'U+200F'],
  ['a line separator', 'Contoso\u2028IT', 'U+2028'],
  ['a paragraph separator', 'Contoso\u2029IT', 'U+2029'],
  ['a byte-order mark', '\uFEFFContoso', 'U+FEFF'],
];

/** Every name field of the admin API: the request that carries `name` in it. */
const NAME_FIELDS: { field: string; method: string; path: string; body: (name: string) => Record<string, unknown> }[] = [
  { field: 'displayName', method: 'POST', path: '/admin/tenants', body: (name) => ({ id: 'fourth-coffee', displayName: name }) },
  { field: 'displayName', method: 'PATCH', path: '/admin/tenants/contoso', body: (name) => ({ displayName: name }) },
  { field: 'client_name', method: 'POST', path: '/admin/tenants/contoso/clients', body: (name) => ({ client_name: name, redirect_uris: ['https://app.example/cb'] }) },
  {
    field: 'invitedUserDisplayName', method: 'POST', path: '/admin/tenants/contoso/invitations',
    body: (name) => ({ invitedUserEmailAddress: 'new.guest@fabrikam.example', inviteRedirectUrl: 'https://apps.example/', invitedUserDisplayName: name, sendInvitationMessage: true }),
  },
  { field: 'displayName', method: 'POST', path: '/admin/tenants/contoso/users', body: (name) => ({ mail: 'new.member@contoso.example', displayName: name }) },
  {
    field: 'displayName', method: 'PUT', path: '/admin/tenants/contoso/identityProviders/other',
    body: (name) => ({ type: 'oidc', displayName: name, issuer: partner.issuer, clientId: 'x', clientSecret: 'y', domains: ['other.example'] }),
  },
];

test('every name field refuses control, bidi and invisible characters with a 400 naming the field, and writes nothing', async () => {
  const before = await snapshotNamespace(idp.namespace);
  const mailsBefore = smtp.messages.length;
  let tries = 0;
  for (const { field, method, path, body } of NAME_FIELDS) {
    for (const [label, name, codePoint] of DISGUISED) {
      const answer = await idp.admin(method, path, body(name));
      tries += 1;
      expect({ field, label, status: answer.status }).toEqual({ field, label, status: 400 });
      expect(answer.body.error.message).toContain(`${field}: must not contain control, bidirectional or invisible formatting characters (found ${codePoint})`);
    }
  }
  expect(await snapshotNamespace(idp.namespace)).toEqual(before);
  expect(smtp.messages.length).toBe(mailsBefore);
  recordFinding({
    kind: 'attack',
    name: 'Display names accept CR/LF and bidi overrides',
    tried: `${DISGUISED.length} disguised names (CR/LF, NUL, DEL, C1, bidi embedding/override/isolate, zero-width and directional marks, line/paragraph separators, BOM) in each of ${NAME_FIELDS.length} name fields (tenant displayName on create and rename, client_name, invitedUserDisplayName, member displayName, identity provider displayName)`,
    times: tries,
    result: `${tries} of ${tries} refused with 400 naming the field and the code point; store snapshot and outbox unchanged`,
  });
});

test('names in any script, with accents and emoji, are still welcome', async () => {
  const name = 'Zoë Ångström · 東京 · مرحبا · Ελένη 🎉';
  const tenant = await idp.admin('POST', '/admin/tenants', { id: 'northwind', displayName: name });
  expect(tenant.status).toBe(201);
  expect(tenant.body.displayName).toBe(name);
  const invitation = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
    invitedUserEmailAddress: 'zoe@fabrikam.example', inviteRedirectUrl: 'https://apps.example/', invitedUserDisplayName: `  ${name}  `,
  });
  expect(invitation.status).toBe(201);
  expect((await idp.admin('GET', `/admin/tenants/contoso/users/${invitation.body.invitedUser.id}`)).body.displayName).toBe(name);
});

test('an upstream provider’s name claim with a bidi override is not stored on the guest', async () => {
  partner.addAccount({ sub: 'eve-1', email: 'eve@partner.example', name: 'Eve \u202Enimda' });
  await inviteGuest(idp, 'contoso', 'eve@partner.example');
  const guest = new GuestAgent();
  const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
  const atPartner = await guest.follow(await rp.authorizationUrl({ login_hint: 'eve@partner.example' }), rp.isCallback);
  expect(atPartner.url.startsWith(partner.issuer)).toBe(true);
  const end = await guest.submit(atPartner, '', { account: 'eve-1' }, rp.isCallback);
  expect(end.location && rp.isCallback(end.location)).toBe(true);
  const claims = (await rp.redeemCallback(end.location as string)).claims();
  expect(claims).toMatchObject({ email: 'eve@partner.example' });
  expect(claims?.name).toBeUndefined();
  const stored = await idp.users.findByMail('contoso', 'eve@partner.example');
  expect(stored).toMatchObject({ externalUserState: 'Accepted', source: 'DirectFederation', displayName: null });
  recordFinding({
    kind: 'attack',
    name: 'Display names accept CR/LF and bidi overrides (from upstream)',
    tried: 'an upstream identity provider sent a name claim with U+202E at a guest’s first federated sign-in',
    times: 1,
    result: 'the guest signed in; the name was dropped (displayName null, no name claim in our ID token)',
  });
});

test('a configured consumer-account name with a line break stops the start with one clear line', () => {
  const env = {
    NODE_ENV: 'test', BASE_URL: 'http://127.0.0.1:3000',
    CONSUMER_ACCOUNTS_ISSUER: 'http://localhost:4000', CONSUMER_ACCOUNTS_CLIENT_ID: 'a', CONSUMER_ACCOUNTS_CLIENT_SECRET: 'b',
    CONSUMER_ACCOUNTS_LOOKUP_URL: 'http://localhost:4000/lookup',
  };
  expect(() => loadConfig({ ...env, CONSUMER_ACCOUNTS_NAME: 'Personal\r\naccount' })).toThrow(ConfigurationError);
  expect(() => loadConfig({ ...env, CONSUMER_ACCOUNTS_NAME: 'Personal\r\naccount' })).toThrow(/CONSUMER_ACCOUNTS_NAME must not contain control, bidirectional or invisible formatting characters \(found U\+000D\)/);
  expect(loadConfig({ ...env, CONSUMER_ACCOUNTS_NAME: 'Personal account' }).consumerAccounts?.displayName).toBe('Personal account');
});
