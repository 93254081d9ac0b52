import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { firstFactor, recoveryCodesOnPage, secretOnPage, totpCode } from '../support/second-factor.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

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
async function enrolled(email: string) {
  await inviteGuest(idp, 'contoso', email);
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
