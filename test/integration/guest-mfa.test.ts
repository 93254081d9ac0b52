import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { firstFactor, recoveryCodesOnPage, secretOnPage, totpCode } from '../support/second-factor.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * A second factor for guests (contract, guest sign-in step 8): an authenticator app (TOTP)
 * enrolled at the first sign-in that needs one, recovery codes, and what the app gets: amr with
 * `mfa`, acr `mfa`. TOTP codes are computed here from the secret the enrolment page shows.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let fixture: SignInFixture;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  fixture = await tenantWithApp(idp, 'contoso');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

const MFA = { acr_values: 'mfa' };

/** Enrols an authenticator app for a guest through an acr_values=mfa sign-in; returns its secret and recovery codes. */
async function enrolled(email: string, invite = true) {
  if (invite) await inviteGuest(idp, 'contoso', email);
  const guest = new GuestAgent();
  const { rp, page } = await firstFactor(guest, fixture, email, smtp, MFA);
  const secret = secretOnPage(page);
  const codesPage = await guest.submit(page, '/mfa/totp/enrol', { code: totpCode(secret) }, rp.isCallback);
  const recoveryCodes = recoveryCodesOnPage(codesPage);
  const callback = await guest.submit(codesPage, '/mfa/recovery-codes', {}, rp.isCallback);
  await rp.redeemCallback(callback.location!);
  return { secret, recoveryCodes };
}

test('acr_values=mfa with the policy off: the guest enrols an authenticator app, saves recovery codes, and the app gets acr mfa', async () => {
  const discovery = await (await fetch(`${fixture.issuer}/.well-known/openid-configuration`)).json() as { acr_values_supported: string[] };
  expect(discovery.acr_values_supported).toEqual(['mfa']);

  const invitation = await inviteGuest(idp, 'contoso', 'adele@fabrikam.example');
  const guest = new GuestAgent();
  const { rp, page } = await firstFactor(guest, fixture, 'adele@fabrikam.example', smtp, MFA);
  expect(page.status).toBe(200);
  expect(page.url).toMatch(/\/mfa\/totp\/enrol$/);
  expect(textOf(page.html)).toContain('Set up your authenticator app');
  // The QR code is markup in the page, not an image from anywhere.
  expect(page.html).toMatch(/<div class="qr-code" role="img" aria-label="[^"]+"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const secret = secretOnPage(page);
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong first code does not enrol anything.
  const wrong = await guest.submit(page, '/mfa/totp/enrol', { code: totpCode(secret) === '000000' ? '111111' : '000000' });
  expect(wrong.status).toBe(400);
  expect(textOf(wrong.html)).toContain('That code isn’t right.');
  expect(secretOnPage(wrong)).toBe(secret);

  const codesPage = await guest.submit(wrong, '/mfa/totp/enrol', { code: totpCode(secret) }, rp.isCallback);
  expect(codesPage.url).toMatch(/\/mfa\/recovery-codes$/);
  const recoveryCodes = recoveryCodesOnPage(codesPage);
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);

  const callback = await guest.submit(codesPage, '/mfa/recovery-codes', {}, rp.isCallback);
  expect(rp.isCallback(callback.location!)).toBe(true);
  const claims = (await rp.redeemCallback(callback.location!)).claims()!;
  expect(claims.sub).toBe(invitation.invitedUser.id);
  expect(claims.acr).toBe('mfa');
  expect(claims.amr).toEqual(['otp', 'mfa']);
});

test('a session without a second factor does not do for an app that sends acr_values=mfa', async () => {
  await inviteGuest(idp, 'contoso', 'diego@fabrikam.example');
  const guest = new GuestAgent();
  const { rp, page } = await firstFactor(guest, fixture, 'diego@fabrikam.example', smtp);
  expect((await rp.redeemCallback(page.location!)).claims()!.acr).toBeUndefined();
  const asking = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const again = await guest.follow(await asking.authorizationUrl(MFA), asking.isCallback);
  expect(again.location).toBeUndefined();
  expect(again.url).toMatch(/\/interaction\/[^/]+$/);
  // prompt=none cannot give it either: the app hears login_required.
  const silent = await guest.follow(await asking.authorizationUrl({ ...MFA, prompt: 'none' }), asking.isCallback);
  expect(new URL(silent.location!).searchParams.get('error')).toBe('login_required');
});

test('a guest with an authenticator app gives its code; a wrong one and a used one are refused', async () => {
  const { secret } = await enrolled('lee@fabrikam.example');
  const guest = new GuestAgent();
  const { rp, page } = await firstFactor(guest, fixture, 'lee@fabrikam.example', smtp, MFA);
  expect(page.url).toMatch(/\/mfa\/totp\/verify$/);
  expect(textOf(page.html)).toContain('Enter the code from your app');

  const wrong = await guest.submit(page, '/mfa/totp/verify', { code: totpCode(secret, 5) });
  expect(wrong.status).toBe(400);
  expect(textOf(wrong.html)).toContain('That code isn’t right.');

  // The code the enrolment used (this step's) cannot be used again.
  const replayed = await guest.submit(wrong, '/mfa/totp/verify', { code: totpCode(secret) });
  expect(replayed.status).toBe(400);
  expect(textOf(replayed.html)).toContain('That code was already used.');

  const callback = await guest.submit(replayed, '/mfa/totp/verify', { code: totpCode(secret, 1) }, rp.isCallback);
  const claims = (await rp.redeemCallback(callback.location!)).claims()!;
  expect(claims).toMatchObject({ acr: 'mfa', amr: ['otp', 'mfa'] });
});

test('a recovery code stands in for the app once, and the guest is told how many are left', async () => {
  const { recoveryCodes } = await enrolled('megan@fabrikam.example');
  const [first] = recoveryCodes as [string];
  const signIn = async () => {
    const guest = new GuestAgent();
    const { rp, page } = await firstFactor(guest, fixture, 'megan@fabrikam.example', smtp, MFA);
    return { guest, rp, page: await guest.follow(new URL(/href="([^"]*\/mfa\/recovery)"/.exec(page.html)![1]!, page.url).href) };
  };

  let { guest, rp, page } = await signIn();
  expect(textOf(page.html)).toContain('Enter a recovery code');
  const used = await guest.submit(page, '/mfa/recovery', { code: first.toLowerCase() }, rp.isCallback);
  expect(textOf(used.html)).toContain('You have 9 recovery codes left.');
  const callback = await guest.submit(used, '/mfa/recovery-codes', {}, rp.isCallback);
  expect((await rp.redeemCallback(callback.location!)).claims()).toMatchObject({ acr: 'mfa' });

  ({ guest, rp, page } = await signIn());
  const again = await guest.submit(page, '/mfa/recovery', { code: first });
  expect(again.status).toBe(400);
  expect(textOf(again.html)).toContain('That recovery code isn’t right, or it was already used.');
});

test('wrong authenticator codes count like wrong email codes: the guest is locked out for a while', async () => {
  await enrolled('alex@fabrikam.example');
  const guest = new GuestAgent();
  let { page } = await firstFactor(guest, fixture, 'alex@fabrikam.example', smtp, MFA);
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    page = await guest.submit(page, '/mfa/totp/verify', { code: '12345' });
    statuses.push(page.status);
  }
  expect(statuses).toEqual([...Array(9).fill(400), 429]);
  expect(textOf(page.html)).toContain('Too many wrong tries');
  expect(textOf(page.html)).toMatch(/you can try again in \d+ minutes/);
});

test('the admin API lists a guest\'s second factors and deletes one; the guest then enrols again', async () => {
  const invitation = await inviteGuest(idp, 'contoso', 'nestor@fabrikam.example');
  await enrolled('nestor@fabrikam.example', false);
  const path = `/admin/tenants/contoso/users/${invitation.invitedUser.id}/authenticationMethods`;
  const listed = await idp.admin('GET', path);
  expect(listed.status).toBe(200);
  const methods = listed.body.value as Array<{ id: string; type: string; remaining?: number }>;
  expect(methods.map((method) => method.type).sort()).toEqual(['recoveryCodes', 'totp']);
  expect(methods.find((method) => method.type === 'recoveryCodes')!.remaining).toBe(10);
  const totp = methods.find((method) => method.type === 'totp')!;

  expect((await idp.admin('DELETE', `${path}/${totp.id}`)).status).toBe(204);
  expect((await idp.admin('DELETE', `${path}/${totp.id}`)).status).toBe(404);
  expect((await idp.admin('GET', path)).body.value.map((method: { type: string }) => method.type)).toEqual(['recoveryCodes']);
  const audits = await idp.admin('GET', '/admin/tenants/contoso/directoryAudits');
  // Newest first: the second delete (nothing left to delete) failed.
  expect(audits.body.value.slice(0, 2)).toMatchObject([
    { activityDisplayName: 'Admin deleted security info', result: 'failure' },
    { activityDisplayName: 'Admin deleted security info', result: 'success', targetResources: [{ id: invitation.invitedUser.id, type: 'User' }, { id: totp.id, type: 'AuthenticationMethod' }] },
  ]);

  const { page } = await firstFactor(new GuestAgent(), fixture, 'nestor@fabrikam.example', smtp, MFA);
  expect(page.url).toMatch(/\/mfa\/totp\/enrol$/);
});

test('the guestMfa policy applies to the apps and sources it names, and to no one else', async () => {
  const fabrikam = await tenantWithApp(idp, 'fabrikam');
  const other = await idp.admin('POST', '/admin/tenants/fabrikam/clients', { client_name: 'Fabrikam Wiki', redirect_uris: ['https://wiki.example/cb'] });
  const wiki: SignInFixture = { ...fabrikam, app: other.body, redirectUri: 'https://wiki.example/cb' };
  await inviteGuest(idp, 'fabrikam', 'pradeep@contoso.example');

  expect((await idp.admin('GET', '/admin/tenants/fabrikam/policies/guestMfa')).body).toEqual({ state: 'disabled', methods: ['totp', 'passkey'], appliesTo: {} });
  expect((await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/guestMfa', { state: 'on' })).status).toBe(400);
  expect((await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/guestMfa', { state: 'enabled', extra: 1 })).status).toBe(400);
  const patched = await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/guestMfa', { state: 'enabled', methods: ['totp'], appliesTo: { clientIds: [wiki.app.client_id] } });
  expect(patched.body).toEqual({ state: 'enabled', methods: ['totp'], appliesTo: { clientIds: [wiki.app.client_id] } });

  // Outside the scope: signed in with the first factor only.
  let guest = new GuestAgent();
  let { rp, page } = await firstFactor(guest, fabrikam, 'pradeep@contoso.example', smtp);
  expect(rp.isCallback(page.location ?? '')).toBe(true);
  const claims = (await rp.redeemCallback(page.location!)).claims()!;
  expect(claims.amr).toEqual(['otp']);
  expect(claims.acr).toBeUndefined();
  // That session signs the guest in to the same app again without a page, but not to the app the
  // policy covers: it had no second factor.
  const sameApp = await RelyingParty.discover(fabrikam.issuer, fabrikam.app, fabrikam.redirectUri);
  expect(sameApp.isCallback((await guest.follow(await sameApp.authorizationUrl(), sameApp.isCallback)).location ?? '')).toBe(true);
  const covered = await RelyingParty.discover(wiki.issuer, wiki.app, wiki.redirectUri);
  const asked = await guest.follow(await covered.authorizationUrl(), covered.isCallback);
  expect(asked.location).toBeUndefined();
  expect(textOf(asked.html)).toContain('Sign in to continue to Fabrikam Wiki');

  // The app the policy names: the second factor.
  ({ page } = await firstFactor(new GuestAgent(), wiki, 'pradeep@contoso.example', smtp));
  expect(page.url).toMatch(/\/mfa\/totp\/enrol$/);

  // By source: an email-code guest is not a Google guest.
  await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/guestMfa', { appliesTo: { sources: ['Google'] } });
  guest = new GuestAgent();
  ({ rp, page } = await firstFactor(guest, wiki, 'pradeep@contoso.example', smtp));
  expect(rp.isCallback(page.location ?? '')).toBe(true);
  await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/guestMfa', { appliesTo: { sources: ['EmailOTP'] } });
  ({ page } = await firstFactor(new GuestAgent(), fabrikam, 'pradeep@contoso.example', smtp));
  expect(page.url).toMatch(/\/mfa\/totp\/enrol$/);
});

test('the sign-in log names both factors, and a failed second factor has its own error code', async () => {
  const invitation = await inviteGuest(idp, 'contoso', 'johanna@fabrikam.example');
  const { secret } = await enrolled('johanna@fabrikam.example', false);
  const guest = new GuestAgent();
  const { rp, page } = await firstFactor(guest, fixture, 'johanna@fabrikam.example', smtp, MFA);
  const wrong = await guest.submit(page, '/mfa/totp/verify', { code: totpCode(secret, 7) });
  const callback = await guest.submit(wrong, '/mfa/totp/verify', { code: totpCode(secret, 1) }, rp.isCallback);
  expect(rp.isCallback(callback.location!)).toBe(true);

  const filter = encodeURIComponent(`userId eq '${invitation.invitedUser.id}'`);
  const entries = (await idp.admin('GET', `/admin/tenants/contoso/signIns?$filter=${filter}`)).body.value;
  expect(entries.slice(0, 2)).toMatchObject([
    { authenticationMethod: 'Email one-time passcode, then Authenticator app (TOTP)', status: { errorCode: 0 } },
    { authenticationMethod: 'Email one-time passcode, then Authenticator app (TOTP)', status: { errorCode: 500121, failureReason: expect.stringContaining('Authentication failed during strong authentication request') } },
  ]);
});

test('cancelling at the second factor sends the app access_denied', async () => {
  await inviteGuest(idp, 'contoso', 'grady@fabrikam.example');
  const guest = new GuestAgent();
  const { rp, page } = await firstFactor(guest, fixture, 'grady@fabrikam.example', smtp, MFA);
  const back = await guest.submit(page, '/cancel', {}, rp.isCallback);
  expect(new URL(back.location!).searchParams.get('error')).toBe('access_denied');
});

test('under a policy for every guest, an invitation is redeemed with a second factor too', async () => {
  await tenantWithApp(idp, 'woodgrove');
  await idp.admin('PATCH', '/admin/tenants/woodgrove/policies/guestMfa', { state: 'enabled' });
  const invitation = await inviteGuest(idp, 'woodgrove', 'henrietta@fabrikam.example');
  const guest = new GuestAgent();
  const sendPage = await guest.follow(invitation.inviteRedeemUrl);
  const entering = await guest.submit(sendPage, '/send');
  const next = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo('henrietta@fabrikam.example')) });
  // Every method the deployment has is allowed and none is set up: with one method (authenticator
  // apps) the guest goes straight to it; with several, they choose first.
  let enrol = next;
  if (next.url.endsWith('/mfa/choose')) {
    expect(textOf(next.html)).toContain('Set up a second way to sign in');
    enrol = await guest.follow(new URL(/href="([^"]*\/mfa\/totp\/enrol)"/.exec(next.html)![1]!, next.url).href);
  }
  expect(enrol.url).toMatch(/\/mfa\/totp\/enrol$/);
  const codes = await guest.submit(enrol, '/mfa/totp/enrol', { code: totpCode(secretOnPage(enrol)) });
  const done = await guest.submit(codes, '/mfa/recovery-codes', {}, (url) => url.startsWith('https://apps.example/'));
  expect(done.location).toBe('https://apps.example/');
});

test('recovery codes the guest never confirmed are not theirs: the next sign-in shows new ones', async () => {
  await inviteGuest(idp, 'contoso', 'miriam@fabrikam.example');
  let guest = new GuestAgent();
  let { rp, page } = await firstFactor(guest, fixture, 'miriam@fabrikam.example', smtp, MFA);
  const secret = secretOnPage(page);
  const unseen = recoveryCodesOnPage(await guest.submit(page, '/mfa/totp/enrol', { code: totpCode(secret) }, rp.isCallback));
  expect(unseen).toHaveLength(10);
  // The guest closes the tab here.

  guest = new GuestAgent();
  ({ rp, page } = await firstFactor(guest, fixture, 'miriam@fabrikam.example', smtp, MFA));
  const fresh = await guest.submit(page, '/mfa/totp/verify', { code: totpCode(secret, 1) }, rp.isCallback);
  const codes = recoveryCodesOnPage(fresh);
  expect(codes).toHaveLength(10);
  expect(codes.filter((code) => unseen.includes(code))).toEqual([]);
  const callback = await guest.submit(fresh, '/mfa/recovery-codes', {}, rp.isCallback);
  expect((await rp.redeemCallback(callback.location!)).claims()).toMatchObject({ acr: 'mfa' });
});

test('resetting a guest\'s redemption removes their second factors: they enrol again', async () => {
  const invitation = await inviteGuest(idp, 'contoso', 'enrico@fabrikam.example');
  await enrolled('enrico@fabrikam.example', false);
  const path = `/admin/tenants/contoso/users/${invitation.invitedUser.id}/authenticationMethods`;
  expect((await idp.admin('GET', path)).body.value).toHaveLength(2);
  await inviteGuest(idp, 'contoso', 'enrico@fabrikam.example', { resetRedemption: true });
  expect((await idp.admin('GET', path)).body.value).toEqual([]);
  const { page } = await firstFactor(new GuestAgent(), fixture, 'enrico@fabrikam.example', smtp, MFA);
  expect(page.url).toMatch(/\/mfa\/totp\/enrol$/);
});
