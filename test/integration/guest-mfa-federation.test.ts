import { type PartnerFederation, startPartnerFederation } from '../support/partner-federation.ts';
import { recoveryCodesOnPage, secretOnPage, throughChoicePage, totpCode } from '../support/second-factor.ts';

/**
 * A guest who signs in at their organization's provider (direct federation) gives a second factor
 * here too when the guestMfa policy names their source; the tokens keep the upstream's amr.
 */

let federation: PartnerFederation;

beforeAll(async () => {
  federation = await startPartnerFederation();
});

afterAll(() => federation.close());

test('a federated guest under a policy for DirectFederation guests enrols an authenticator app after the upstream sign-in', async () => {
  const patched = await federation.idp.admin('PATCH', '/admin/tenants/contoso/policies/guestMfa', { state: 'enabled', appliesTo: { sources: ['DirectFederation'] } });
  expect(patched.status).toBe(200);
  const { guest, rp, page, sub } = await federation.atUpstream();
  const atCallback = await guest.submit(page, '', { account: sub }, (url) => url.includes('/federation/callback'));
  const enrol = await throughChoicePage(guest, await guest.follow(atCallback.location!, rp.isCallback));
  expect(enrol.url).toMatch(/\/mfa\/totp\/enrol$/);

  const codes = await guest.submit(enrol, '/mfa/totp/enrol', { code: totpCode(secretOnPage(enrol)) }, rp.isCallback);
  expect(recoveryCodesOnPage(codes)).toHaveLength(10);
  const callback = await guest.submit(codes, '/mfa/recovery-codes', {}, rp.isCallback);
  const claims = (await rp.redeemCallback(callback.location!)).claims()!;
  expect(claims).toMatchObject({ acr: 'mfa', amr: ['pwd', 'otp', 'mfa'] });

  const log = (await federation.idp.admin('GET', '/admin/tenants/contoso/signIns')).body.value;
  expect(log[0]).toMatchObject({ authenticationMethod: 'Federated identity provider (Partner IdP), then Authenticator app (TOTP)', status: { errorCode: 0 } });
});
