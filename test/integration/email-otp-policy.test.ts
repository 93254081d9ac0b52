import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { inviteGuest, type SignInFixture, signInWithCode, startSignIn, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/** The email one-time passcode policy of a tenant: default, enabled, disabled, and what guests see. */

let smtp: SmtpListener;
let idp: RunningIdp;
let contoso: SignInFixture;

const policy = (state?: string) => (state
  ? idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state })
  : idp.admin('GET', '/admin/tenants/contoso/policies/emailOtp'));

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

afterEach(async () => {
  await policy('default');
});

test('a new tenant follows the deployment default, which is enabled', async () => {
  expect((await policy()).body).toEqual({ state: 'default', effectiveState: 'enabled' });
});

test('disabling stops a guest who redeemed by code, naming the reason; enabling lets them back', async () => {
  const email = 'otp-guest@partner.example';
  const invitation = await inviteGuest(idp, 'contoso', email);
  await signInWithCode(new GuestAgent(), contoso, email, smtp);
  expect(await idp.users.findByMail('contoso', email)).toMatchObject({ id: invitation.invitedUser.id, externalUserState: 'Accepted', source: 'EmailOTP' });

  expect((await policy('disabled')).body).toEqual({ state: 'disabled', effectiveState: 'disabled' });
  const guest = new GuestAgent();
  const { page } = await startSignIn(guest, contoso, email);
  expect(page.status).toBe(403);
  expect(textOf(page.html)).toContain('Contoso has turned off sign-in with one-time passcodes');
  expect(page.html).not.toContain('Send code');
  const mailsBefore = smtp.messages.length;
  const forced = await guest.request(`${page.url}/send`, { method: 'POST', form: { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.html)![1]! } });
  expect(forced.status).toBe(303);
  expect(smtp.messages.length).toBe(mailsBefore);

  expect((await policy('enabled')).body).toEqual({ state: 'enabled', effectiveState: 'enabled' });
  await signInWithCode(new GuestAgent(), contoso, email, smtp);
});

test('a code sent before the policy was turned off no longer signs in', async () => {
  const email = 'in-flight@partner.example';
  await inviteGuest(idp, 'contoso', email);
  const guest = new GuestAgent();
  const { page, rp } = await startSignIn(guest, contoso, email);
  const entering = await guest.submit(page, '/send');
  const code = codeIn(await smtp.nextMessageTo(email));
  await policy('disabled');
  const refused = await guest.submit(entering, '/verify', { code }, rp.isCallback);
  expect(rp.isCallback(refused.location ?? '')).toBe(false);
  expect(textOf(refused.html)).toContain('We can’t sign you in with this address');
});

test('with codes off, a guest who has not redeemed yet has no way in, and is told so', async () => {
  await inviteGuest(idp, 'contoso', 'newcomer@partner.example');
  await policy('disabled');
  const { page } = await startSignIn(new GuestAgent(), contoso, 'newcomer@partner.example');
  expect(page.status).toBe(403);
  expect(textOf(page.html)).toContain('Contoso has no way for newcomer@partner.example to sign in');
});

test('a guest who redeemed with another method is not affected by the email code policy', async () => {
  const email = 'federated@partner.example';
  const invitation = await inviteGuest(idp, 'contoso', email);
  const user = (await idp.users.find('contoso', invitation.invitedUser.id))!;
  await idp.users.update('contoso', user, { ...user, externalUserState: 'Accepted', source: 'DirectFederation' });

  await policy('disabled');
  const disabled = await startSignIn(new GuestAgent(), contoso, email);
  await policy('enabled');
  const enabled = await startSignIn(new GuestAgent(), contoso, email);
  expect(textOf(disabled.page.html)).not.toContain('turned off sign-in with one-time passcodes');
  expect(textOf(disabled.page.html)).toBe(textOf(enabled.page.html));
});

test('a bad policy state is a 400', async () => {
  expect((await policy('sometimes')).status).toBe(400);
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state: 'enabled', extra: 1 })).status).toBe(400);
});

describe('the deployment default', () => {
  test.each([
    [{ EMAIL_OTP_DEFAULT: 'disabled' }, 'disabled'],
    [{ EMAIL_OTP_DEFAULT: 'disabled', EMAIL_OTP_AUTO_ENABLE_DATE: '2021-11-01' }, 'enabled'],
    [{ EMAIL_OTP_DEFAULT: 'disabled', EMAIL_OTP_AUTO_ENABLE_DATE: '2999-01-01' }, 'disabled'],
  ])('%j makes "default" mean %s', async (env, effective) => {
    const other = await startIdp({ env: { SMTP_URL: smtp.url, ...env } });
    try {
      expect((await other.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam' })).status).toBe(201);
      expect((await other.admin('GET', '/admin/tenants/fabrikam/policies/emailOtp')).body).toEqual({ state: 'default', effectiveState: effective });
      // An explicit state wins over the deployment default.
      expect((await other.admin('PATCH', '/admin/tenants/fabrikam/policies/emailOtp', { state: 'enabled' })).body.effectiveState).toBe('enabled');
    } finally {
      await other.close();
    }
  });
});
