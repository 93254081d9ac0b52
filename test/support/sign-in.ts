import { type GuestAgent, type GuestPage } from './guest-agent.ts';
import type { RunningIdp } from './idp.ts';
import { RelyingParty } from './relying-party.ts';
import { codeIn, type SmtpListener } from './smtp.ts';

/** A tenant with one confidential web app, for sign-in tests. */
export interface SignInFixture {
  tenantId: string;
  issuer: string;
  app: { client_id: string; client_secret: string };
  redirectUri: string;
}

export async function tenantWithApp(idp: RunningIdp, tenantId: string, domains: string[] = []): Promise<SignInFixture> {
  const created = await idp.admin('POST', '/admin/tenants', { id: tenantId, displayName: `${tenantId[0]!.toUpperCase()}${tenantId.slice(1)}`, verifiedDomains: domains });
  if (created.status !== 201) throw new Error(`tenant ${tenantId}: ${JSON.stringify(created.body)}`);
  const redirectUri = `https://${tenantId}-app.example/callback`;
  const app = await idp.admin('POST', `/admin/tenants/${tenantId}/clients`, {
    client_name: `${tenantId} app`, redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'],
  });
  return { tenantId, issuer: `${idp.baseUrl}/${tenantId}/v2.0`, app: app.body, redirectUri };
}

export async function inviteGuest(idp: RunningIdp, tenantId: string, email: string, extra: Record<string, unknown> = {}) {
  const invitation = await idp.admin('POST', `/admin/tenants/${tenantId}/invitations`, {
    invitedUserEmailAddress: email, inviteRedirectUrl: 'https://apps.example/', ...extra,
  });
  if (invitation.status !== 201) throw new Error(`invitation for ${email}: ${JSON.stringify(invitation.body)}`);
  return invitation.body as { id: string; inviteRedeemUrl: string; invitedUser: { id: string }; status: string };
}

/** Starts an app's sign-in for the address and returns the "Send code" page and the relying party. */
export async function startSignIn(guest: GuestAgent, fixture: SignInFixture, email: string): Promise<{ page: GuestPage; rp: RelyingParty }> {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const first = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  const page = await guest.submit(first, '/identify', { email });
  return { page, rp };
}

/** The interaction uid of a sign-in page. */
export function uidOf(page: GuestPage): string {
  const match = /\/interaction\/([^/?]+)/.exec(page.url);
  if (!match) throw new Error(`not an interaction page: ${page.url}`);
  return match[1] as string;
}

/**
 * A complete sign-in of an app's guest by email code: authorization request (with `extra`
 * parameters), Send code, the code from the mail, back to the app, code exchange.
 */
export async function signInWithCode(
  guest: GuestAgent,
  fixture: SignInFixture,
  email: string,
  smtp: SmtpListener,
  extra: Record<string, string> = {},
) {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: email, ...extra }), rp.isCallback);
  const entering = await guest.submit(sendPage, '/send');
  const callback = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, rp.isCallback);
  if (!callback.location || !rp.isCallback(callback.location)) throw new Error(`sign-in of ${email} did not reach the app: ${callback.status} ${callback.url}`);
  return { rp, tokens: await rp.redeemCallback(callback.location) };
}
