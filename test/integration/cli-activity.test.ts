import { runCli } from '../support/cli.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/** `guest-idp signins` and `guest-idp audits`: the logs from a shell, as the package's bin prints them. */

let smtp: SmtpListener;
let idp: RunningIdp;
let fixture: SignInFixture;
let userId: string;

function cli(args: string[]) {
  return runCli(idp.baseUrl, args);
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  fixture = await tenantWithApp(idp, 'woodgrove');
  userId = (await inviteGuest(idp, 'woodgrove', 'ann@fabrikam.example')).invitedUser.id;
  // One wrong code, then the right one.
  const guest = new GuestAgent();
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: 'ann@fabrikam.example' }), rp.isCallback);
  const page = await guest.submit(sendPage, '/send');
  const code = codeIn(await smtp.nextMessageTo('ann@fabrikam.example'));
  await guest.submit(page, '/verify', { code: code.replace(/^./, (digit) => String((Number(digit) + 1) % 10)) });
  expect(rp.isCallback((await guest.submit(page, '/verify', { code }, rp.isCallback)).location ?? '')).toBe(true);
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

test('signins prints the log as a table, newest first, filtered by guest, app and failure', async () => {
  const all = await cli(['signins', 'woodgrove']);
  expect(all.code).toBe(0);
  const lines = all.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^time\s+user\s+app\s+method\s+result\s+reason\s+ip\s+correlationId$/);
  expect(lines[2]).toMatch(/ann@fabrikam\.example\s+woodgrove app\s+Email one-time passcode\s+success\s+-/);
  expect(lines[3]).toMatch(/ann@fabrikam\.example\s+woodgrove app\s+Email one-time passcode\s+failure 50126\s+Wrong code entered/);

  const failed = await cli(['signins', 'woodgrove', '--user', 'ann@fabrikam.example', '--failed']);
  expect(failed.stdout.trim().split('\n')).toHaveLength(3);
  expect(failed.stdout).toContain('failure 50126');
  const byId = await cli(['signins', 'woodgrove', '--user', userId, '--app', fixture.app.client_id, '--top', '1', '--json']);
  expect(JSON.parse(byId.stdout).value).toEqual([expect.objectContaining({ userId, status: { errorCode: 0, failureReason: null } })]);
  expect((await cli(['signins', 'woodgrove', '--since', '2999-01-01'])).stdout.trim()).toBe('(none)');
  expect((await cli(['signins', 'woodgrove', '--app', 'no-such-app'])).stdout.trim()).toBe('(none)');
});

test('audits prints who changed what', async () => {
  const run = await cli(['audits', 'woodgrove', '--by', 'deployment']);
  expect(run.code).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^time\s+activity\s+by\s+target\s+result$/);
  expect(lines[2]).toMatch(/Invite external user\s+deployment\s+User ann@fabrikam\.example\s+success$/);
  expect(lines.at(-1)).toMatch(/Create tenant\s+deployment\s+Tenant Woodgrove\s+success$/);
  const ofApp = await cli(['audits', 'woodgrove', '--target', fixture.app.client_id, '--json']);
  expect(JSON.parse(ofApp.stdout).value.map((audit: { activityDisplayName: string }) => audit.activityDisplayName)).toEqual(['Add application']);
});

test('a bad option is a usage error, before any call', async () => {
  const run = await cli(['signins', 'woodgrove', '--since', 'last tuesday']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('ISO 8601');
  expect((await cli(['signins', 'woodgrove', '--top', '0'])).code).toBe(2);
});
