import { GuestAgent, type GuestPage } from './guest-agent.ts';
import { capturedLog, type RunningIdp, startIdp } from './idp.ts';
import { RelyingParty } from './relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from './sign-in.ts';
import { startUpstreamIdp, type UpstreamIdp, type UpstreamOptions } from './upstream-idp.ts';

/** Our client at the partner's provider. */
export const PARTNER_CLIENT = { client_id: 'contoso', client_secret: 'contoso-secret-0123456789abcdef' };

/**
 * The tenant `contoso` with an app, federating `partner.example` to an in-process provider,
 * "Partner IdP", whose log lines are kept: the setting of every test of the upstream leg.
 */
export interface PartnerFederation {
  idp: RunningIdp;
  upstream: UpstreamIdp;
  contoso: SignInFixture;
  logged: ReturnType<typeof capturedLog>;
  /** A fresh invited guest of the partner domain with an account there, at the partner's sign-in page. */
  atUpstream(account?: { email_verified?: boolean; name?: string }): Promise<{ guest: GuestAgent; rp: RelyingParty; page: GuestPage; email: string; sub: string }>;
  /** The guest was not redeemed, and no upstream identity was linked. */
  expectNothingRedeemed(email: string): Promise<void>;
  close(): Promise<void>;
}

export async function startPartnerFederation(upstreamOptions: UpstreamOptions = {}): Promise<PartnerFederation> {
  const upstream = await startUpstreamIdp('Partner IdP', upstreamOptions);
  const logged = capturedLog();
  const idp = await startIdp({ log: logged.log });
  const contoso = await tenantWithApp(idp, 'contoso');
  await upstream.registerClient({ ...PARTNER_CLIENT, redirect_uris: [`${idp.baseUrl}/contoso/v2.0/federation/callback`] });
  const registered = await idp.admin('PUT', '/admin/tenants/contoso/identityProviders/partner', {
    type: 'oidc', displayName: 'Partner IdP', issuer: upstream.issuer, clientId: PARTNER_CLIENT.client_id, clientSecret: PARTNER_CLIENT.client_secret, domains: ['partner.example'],
  });
  if (registered.status !== 201) throw new Error(`registering the partner's provider: ${JSON.stringify(registered.body)}`);

  let counter = 0;
  return {
    idp, upstream, contoso, logged,
    async atUpstream(account = {}) {
      counter += 1;
      const email = `guest${counter}@partner.example`;
      const sub = `partner-sub-${counter}`;
      upstream.addAccount({ sub, email, ...account });
      await inviteGuest(idp, 'contoso', email);
      const guest = new GuestAgent();
      const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
      const page = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
      expect(page.url.startsWith(upstream.issuer)).toBe(true);
      return { guest, rp, page, email, sub };
    },
    async expectNothingRedeemed(email) {
      const user = await idp.users.findByMail('contoso', email);
      expect(user).toMatchObject({ externalUserState: 'PendingAcceptance', source: null });
      expect(user?.upstreamIdentity ?? null).toBeNull();
    },
    async close() {
      await idp.close();
      await upstream.close();
    },
  };
}
