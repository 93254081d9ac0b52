import type { GuestIdp } from '../app.ts';
import { consoleBase } from '../console/console-client.ts';
import { newMember } from '../guests/user.ts';
import { issuerOf } from '../tenants/tenant.ts';
import { DEMO } from './demo.ts';

export interface DemoSeed {
  issuer: string;
  clientId: string;
  redirectUri: string;
  guestEmail: string;
  inviteRedeemUrl: string | undefined;
  /** The tenant console, and the member (role admin) who signs in to it. */
  consoleUrl: string;
  consoleAdminEmail: string;
}

/**
 * Development only: the demo tenant `contoso`, a public demo client (PKCE, no secret) for the
 * built-in relying party at /demo, an invited demo guest, and a member with the admin role for the
 * tenant console. Created when missing and left alone
 * when present, so restarting against a developer's Redis is harmless.
 */
export async function seedDemo(idp: GuestIdp): Promise<DemoSeed> {
  const baseUrl = idp.config.baseUrl;
  const existing = (await idp.tenants.list()).find((tenant) => tenant.id === DEMO.tenant.id);
  const tenant = existing ?? await idp.tenants.create(DEMO.tenant);

  const redirectUri = `${baseUrl}${DEMO.client.redirect_path}`;
  if (!(await idp.clients.find(tenant.id, DEMO.client.client_id))) {
    await idp.clients.create(tenant.id, {
      client_id: DEMO.client.client_id,
      client_name: DEMO.client.client_name,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [`${baseUrl}/demo`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      roles: [],
      client_id_issued_at: Math.floor(Date.now() / 1000),
    });
  }

  let inviteRedeemUrl: string | undefined;
  if (!(await idp.users.findByMail(tenant.id, DEMO.guest.email))) {
    const invitation = await idp.invitations.invite(tenant, {
      invitedUserEmailAddress: DEMO.guest.email,
      invitedUserDisplayName: DEMO.guest.displayName,
      inviteRedirectUrl: `${baseUrl}/demo`,
      sendInvitationMessage: true,
    }, null);
    inviteRedeemUrl = invitation.inviteRedeemUrl;
  }
  if (!(await idp.users.findByMail(tenant.id, DEMO.consoleAdmin.email))) {
    await idp.guests.createMember(tenant.id, newMember(DEMO.consoleAdmin.email, DEMO.consoleAdmin.displayName, ['admin']));
  }
  return {
    issuer: issuerOf(baseUrl, tenant.id), clientId: DEMO.client.client_id, redirectUri, guestEmail: DEMO.guest.email, inviteRedeemUrl,
    consoleUrl: `${consoleBase(baseUrl, tenant.id)}/`, consoleAdminEmail: DEMO.consoleAdmin.email,
  };
}
