import * as oidc from 'openid-client';

import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { type SignInFixture, signInWithCode } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Discovery's `claims_supported` is a promise to relying parties: every claim it names must turn
 * up in the ID token or the userinfo answer of a sign-in that asks for everything (scopes openid,
 * email and profile, a client registered for every option). Claims issued only in some cases are
 * documented as such in docs/sign-in.md; a plain sign-in misses exactly those.
 */

/** Claims that depend on how the client registered (docs/sign-in.md, "Claims"). */
/** `acr` (`mfa`) is issued only after a second factor: test/integration/guest-mfa.test.ts shows it. */
const CONDITIONAL_CLAIMS = ['acr', 'sid'];

let smtp: SmtpListener;
let idp: RunningIdp;
let issuer: string;

async function registerApp(name: string, extra: Record<string, unknown> = {}): Promise<SignInFixture> {
  const redirectUri = `https://${name}.example/callback`;
  const created = await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: name, redirect_uris: [redirectUri], ...extra });
  expect(created.status).toBe(201);
  return { tenantId: 'contoso', issuer, app: created.body, redirectUri };
}

/** The claim names of a sign-in's ID token and of its userinfo answer. */
async function claimNamesOfSignIn(fixture: SignInFixture, email: string): Promise<{ idToken: string[]; userinfo: string[] }> {
  const { rp, tokens } = await signInWithCode(new GuestAgent(), fixture, email, smtp);
  const idToken = tokens.claims()!;
  const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, idToken.sub);
  return { idToken: Object.keys(idToken).sort(), userinfo: Object.keys(userinfo).sort() };
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  issuer = `${idp.baseUrl}/contoso/v2.0`;
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  for (const email of ['adele@fabrikam.example', 'lee@fabrikam.example']) {
    const invited = await idp.admin('POST', '/admin/tenants/contoso/invitations', {
      invitedUserEmailAddress: email, invitedUserDisplayName: 'A Guest', inviteRedirectUrl: 'https://apps.example/',
    });
    expect(invited.status).toBe(201);
  }
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

async function claimsSupported(): Promise<string[]> {
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { claims_supported: string[] };
  return discovery.claims_supported;
}

test('every claim discovery names is in the ID token or userinfo of a sign-in that asks for everything', async () => {
  const full = await registerApp('full', { backchannel_logout_uri: 'https://full.example/backchannel-logout', backchannel_logout_session_required: true });
  const { idToken, userinfo } = await claimNamesOfSignIn(full, 'adele@fabrikam.example');
  const issued = new Set([...idToken, ...userinfo]);

  // `acr` needs a second factor, which this sign-in does not give (guest-mfa.test.ts holds it to that).
  expect((await claimsSupported()).filter((claim) => !issued.has(claim))).toEqual(['acr']);
});

test('a plain client misses only the documented conditional claims; userinfo carries the account’s claims, not amr or auth_time', async () => {
  const plain = await registerApp('plain');
  const { idToken, userinfo } = await claimNamesOfSignIn(plain, 'lee@fabrikam.example');
  const issued = new Set([...idToken, ...userinfo]);

  expect((await claimsSupported()).filter((claim) => !issued.has(claim))).toEqual(CONDITIONAL_CLAIMS);
  // What docs/sign-in.md says of each.
  expect(idToken).toEqual(expect.arrayContaining(['iss', 'sub', 'aud', 'email', 'email_verified', 'name', 'tid', 'idp', 'amr', 'auth_time', 'nonce']));
  expect(userinfo).toEqual(['email', 'email_verified', 'idp', 'name', 'sub', 'tid']);
});
