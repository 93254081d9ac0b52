import { randomUUID } from 'node:crypto';

import { GuestAgent, type GuestPage } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Changes made in the tenant console are in the tenant's audit log like the admin API's, with the
 * signed-in member as `initiatedBy.user`.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let memberId: string;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso', verifiedDomains: ['contoso.example'] })).status).toBe(201);
  memberId = randomUUID();
  expect(await idp.guests.createMember('contoso', {
    id: memberId, mail: 'megan@contoso.example', displayName: 'Megan Bowen', userType: 'Member', externalUserState: null,
    externalUserStateChangeDateTime: null, source: null, createdDateTime: new Date().toISOString(), lastSignInDateTime: null, roles: ['admin'],
  })).toBe(true);
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

/** Signs the member in to the console with a mailed code, over HTTP, and returns the browser. */
async function signedIn(): Promise<GuestAgent> {
  const browser = new GuestAgent();
  let page: GuestPage = await browser.follow(`${idp.baseUrl}/contoso/console/`);
  page = await browser.submit(page, '/identify', { email: 'megan@contoso.example' });
  page = await browser.submit(page, '/send');
  page = await browser.submit(page, '/verify', { code: codeIn(await smtp.nextMessageTo('megan@contoso.example')) });
  expect(new URL(page.url).pathname).toMatch(/^\/contoso\/console\//);
  return browser;
}

test('a console change is audited with the member who made it', async () => {
  const browser = await signedIn();
  const form = await browser.follow(`${idp.baseUrl}/contoso/console/policies/email-otp`);
  expect(form.status).toBe(200);
  const saved = await browser.submit(form, '/policies/email-otp', { state: 'disabled' });
  expect(saved.status).toBe(200);
  expect((await idp.admin('GET', '/admin/tenants/contoso/policies/emailOtp')).body.state).toBe('disabled');

  const audits = (await idp.admin('GET', `/admin/tenants/contoso/directoryAudits?$filter=${encodeURIComponent(`initiatedBy/user/id eq '${memberId}'`)}`)).body.value;
  expect(audits).toEqual([expect.objectContaining({
    activityDisplayName: 'Update policy',
    initiatedBy: { user: { id: memberId, userPrincipalName: 'megan@contoso.example' } },
    targetResources: [{ id: 'emailOtp', type: 'Policy', displayName: 'Email one-time passcode' }],
    result: 'success',
  })]);
});
