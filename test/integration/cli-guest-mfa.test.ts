import { runCli, runCliJson } from '../support/cli.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { firstFactor, secretOnPage, totpCode } from '../support/second-factor.ts';
import { inviteGuest, tenantWithApp } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/** The guest MFA policy and a guest's second factors from the CLI (the package's bin in a child process). */

let smtp: SmtpListener;
let idp: RunningIdp;

function cli(args: string[]) {
  return runCli(idp.baseUrl, args);
}

function json(args: string[]) {
  return runCliJson(idp.baseUrl, args);
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

test('policy mfa shows and changes the guestMfa policy; users methods lists a guest\'s second factors and delete-method removes one', async () => {
  const fixture = await tenantWithApp(idp, 'tailspin');
  expect(await json(['policy', 'mfa', 'tailspin'])).toEqual({ state: 'disabled', methods: ['totp', 'passkey'], appliesTo: {} });
  expect(await json(['policy', 'mfa', 'tailspin', '--state', 'enabled', '--methods', 'totp', '--sources', 'EmailOTP,Google'])).toEqual({
    state: 'enabled', methods: ['totp'], appliesTo: { sources: ['EmailOTP', 'Google'] },
  });
  expect(await json(['policy', 'mfa', 'tailspin', '--everyone'])).toEqual({ state: 'enabled', methods: ['totp'], appliesTo: {} });
  const refused = await cli(['policy', 'mfa', 'tailspin', '--methods', 'sms']);
  expect(refused.code).toBe(4);

  await inviteGuest(idp, 'tailspin', 'kat@partner.example');
  const guest = new GuestAgent();
  const { rp, page } = await firstFactor(guest, fixture, 'kat@partner.example', smtp);
  const codes = await guest.submit(page, '/mfa/totp/enrol', { code: totpCode(secretOnPage(page)) }, rp.isCallback);
  await guest.submit(codes, '/mfa/recovery-codes', {}, rp.isCallback);

  const listed = await cli(['users', 'methods', 'tailspin', 'kat@partner.example']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/\btotp\s+Authenticator app\b/);
  expect(listed.stdout).toMatch(/\brecoveryCodes\s+Recovery codes\b.*\b10\s*$/m);
  const methods = (await json(['users', 'methods', 'tailspin', 'kat@partner.example'])).value as Array<{ id: string; type: string }>;
  const totp = methods.find((method) => method.type === 'totp')!;
  expect((await cli(['users', 'delete-method', 'tailspin', 'kat@partner.example', totp.id])).code).toBe(0);
  expect((await json(['users', 'methods', 'tailspin', 'kat@partner.example'])).value.map((method: { type: string }) => method.type)).toEqual(['recoveryCodes']);
  expect((await cli(['users', 'delete-method', 'tailspin', 'kat@partner.example', totp.id])).code).toBe(3);
});
