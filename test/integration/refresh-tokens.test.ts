import * as oidc from 'openid-client';

import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, signInWithCode, tenantWithApp } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Refresh tokens as Entra, Okta and Auth0 issue them: an app allowed the refresh_token grant that
 * asks for `offline_access` gets one, with or without `prompt=consent` (consent is implied in a
 * tenant: its administrator registered the app). OpenID Connect Core 11 lets a provider drop that
 * prompt "when other conditions permitting offline access are in place"; oidc-provider's default
 * drops `offline_access` instead, so a default mod_auth_openidc got no refresh token at all.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let fabrikam: SignInFixture;
let noRefresh: SignInFixture;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  fabrikam = await tenantWithApp(idp, 'fabrikam');
  const client = await idp.admin('POST', '/admin/tenants/fabrikam/clients', {
    client_name: 'Fabrikam kiosk', redirect_uris: ['https://kiosk.fabrikam.example/callback'], grant_types: ['authorization_code'],
  });
  expect(client.status).toBe(201);
  noRefresh = { ...fabrikam, app: client.body, redirectUri: 'https://kiosk.fabrikam.example/callback' };
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

test('offline_access without prompt=consent gives a refresh token, and it refreshes', async () => {
  const email = 'offline@partner.example';
  const invitation = await inviteGuest(idp, 'fabrikam', email);
  const { rp, tokens } = await signInWithCode(new GuestAgent(), fabrikam, email, smtp, { scope: 'openid email offline_access' });
  expect(tokens.refresh_token).toEqual(expect.any(String));
  expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'offline_access']));
  // The ID token is the same as without offline_access.
  expect(tokens.claims()).toMatchObject({ sub: invitation.invitedUser.id, email, tid: 'fabrikam', idp: 'mail', amr: ['otp'] });

  const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
  expect(refreshed.access_token).toEqual(expect.any(String));
  expect(refreshed.refresh_token).toEqual(expect.any(String));
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  expect(refreshed.claims()).toMatchObject({ sub: invitation.invitedUser.id, email, tid: 'fabrikam' });
  const userinfo = await oidc.fetchUserInfo(rp.config, refreshed.access_token, invitation.invitedUser.id);
  expect(userinfo).toMatchObject({ sub: invitation.invitedUser.id, email });
});

test('a guest already signed in gets a refresh token too when the app asks for offline_access', async () => {
  const email = 'returning@partner.example';
  await inviteGuest(idp, 'fabrikam', email);
  const guest = new GuestAgent();
  const first = await signInWithCode(guest, fabrikam, email, smtp);
  expect(first.tokens.refresh_token).toBeUndefined();

  const rp = await RelyingParty.discover(fabrikam.issuer, fabrikam.app, fabrikam.redirectUri);
  const callback = await guest.follow(await rp.authorizationUrl({ scope: 'openid email offline_access' }), rp.isCallback);
  expect(rp.isCallback(callback.location ?? '')).toBe(true);
  const tokens = await rp.redeemCallback(callback.location!);
  expect(tokens.refresh_token).toEqual(expect.any(String));
  expect((await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
});

test('prompt=consent with offline_access still works as before', async () => {
  const email = 'consenting@partner.example';
  await inviteGuest(idp, 'fabrikam', email);
  const { tokens } = await signInWithCode(new GuestAgent(), fabrikam, email, smtp, { scope: 'openid offline_access', prompt: 'consent' });
  expect(tokens.refresh_token).toEqual(expect.any(String));
});

test('without offline_access there is no refresh token', async () => {
  const email = 'online@partner.example';
  await inviteGuest(idp, 'fabrikam', email);
  const { tokens } = await signInWithCode(new GuestAgent(), fabrikam, email, smtp, { scope: 'openid email profile' });
  expect(tokens.access_token).toEqual(expect.any(String));
  expect(tokens.refresh_token).toBeUndefined();
  expect(tokens.scope?.split(' ')).not.toContain('offline_access');
});

test('a client not allowed the refresh_token grant gets none, even asking for offline_access', async () => {
  const email = 'kiosk@partner.example';
  await inviteGuest(idp, 'fabrikam', email);
  const { tokens } = await signInWithCode(new GuestAgent(), noRefresh, email, smtp, { scope: 'openid email offline_access' });
  expect(tokens.access_token).toEqual(expect.any(String));
  expect(tokens.refresh_token).toBeUndefined();
  expect(tokens.scope?.split(' ')).not.toContain('offline_access');
});

test('discovery is unchanged: offline_access is a supported scope, refresh_token a supported grant', async () => {
  const discovery = await (await fetch(`${fabrikam.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
  expect(discovery.scopes_supported).toEqual(['openid', 'offline_access', 'email', 'profile']);
  expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
});
