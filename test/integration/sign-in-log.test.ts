import { GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import { capturedLog, requireRedisUrl, type RunningIdp, startIdp } from '../support/idp.ts';
import { watchRedisExpiry } from '../support/redis-expiry.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp, uidOf } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * The sign-in log a help desk reads (GET /admin/tenants/{t}/signIns): every attempt that ended,
 * success or failure, with the Graph `signIn` fields, the errorCode and failureReason of the
 * documented table, and the request id the guest's page shows as correlationId.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let contoso: SignInFixture;
const logged = capturedLog();

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url }, log: logged.log });
  contoso = await tenantWithApp(idp, 'contoso');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

let counter = 0;
async function invited(): Promise<{ email: string; userId: string }> {
  counter += 1;
  const email = `guest${counter}@fabrikam.example`;
  const invitation = await inviteGuest(idp, 'contoso', email, { invitedUserDisplayName: `Guest ${counter}` });
  return { email, userId: invitation.invitedUser.id };
}

/** The "Enter code" page of a new sign-in of the app, and the code mailed for it. */
async function codeSent(email: string, guest = new GuestAgent(), fixture = contoso) {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
  const page = await guest.submit(sendPage, '/send');
  return { guest, rp, page, code: codeIn(await smtp.nextMessageTo(email)) };
}

function wrongCode(code: string): string {
  return code.replace(/^./, (digit) => String((Number(digit) + 1) % 10));
}

async function signIns(query = '', tenantId = 'contoso') {
  const answer = await idp.admin('GET', `/admin/tenants/${tenantId}/signIns${query}`);
  expect(answer.status).toBe(200);
  return answer.body as { value: any[]; '@odata.nextLink'?: string };
}

/** The one entry the request of `page` wrote. */
async function entryOf(page: GuestPage) {
  expect(page.requestId).toMatch(/^[0-9a-f-]{36}$/);
  const entries = (await signIns()).value.filter((entry) => entry.correlationId === page.requestId);
  expect(entries).toHaveLength(1);
  return entries[0];
}

test('a successful code sign-in is logged with Graph signIn fields and errorCode 0', async () => {
  const { email, userId } = await invited();
  const { guest, page, code, rp } = await codeSent(email);
  // The request that took the code ends the attempt: its id is the entry's correlationId.
  const verified = await guest.submit(page, '/verify', { code }, () => true);
  const callback = await guest.follow(verified.location!, rp.isCallback);
  expect(rp.isCallback(callback.location ?? '')).toBe(true);

  const entry = await entryOf(verified);
  expect(entry).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    createdDateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    userId,
    userPrincipalName: email,
    userDisplayName: `Guest ${counter}`,
    appId: contoso.app.client_id,
    appDisplayName: 'contoso app',
    ipAddress: '127.0.0.1',
    correlationId: verified.requestId,
    authenticationMethod: 'Email one-time passcode',
    isInteractive: true,
    status: { errorCode: 0, failureReason: null },
  });
  // Newest first: the success is the first entry.
  expect((await signIns()).value[0].id).toBe(entry.id);
});

test('a wrong code, a malformed one, a code tried too often and a locked-out address each get their code and reason', async () => {
  const { email, userId } = await invited();
  const { guest, page, code } = await codeSent(email);

  const wrong = await guest.submit(page, '/verify', { code: wrongCode(code) });
  expect(wrong.status).toBe(400);
  expect(await entryOf(wrong)).toMatchObject({
    userId, userPrincipalName: email, appId: contoso.app.client_id, authenticationMethod: 'Email one-time passcode',
    status: { errorCode: 50126, failureReason: expect.stringContaining('Wrong code entered: not the code mailed for this sign-in. 4 more tries') },
  });

  const malformed = await guest.submit(page, '/verify', { code: '12ab' });
  expect((await entryOf(malformed)).status).toEqual({ errorCode: 1900001, failureReason: expect.stringContaining('not an 8-digit code') });

  for (let attempt = 2; attempt <= 4; attempt += 1) await guest.submit(page, '/verify', { code: wrongCode(code) });
  const last = await guest.submit(page, '/verify', { code: wrongCode(code) });
  expect(textOf(last.html)).toContain('tried too many times');
  expect((await entryOf(last)).status).toEqual({ errorCode: 1900003, failureReason: expect.stringContaining('it no longer works; the guest must ask for a new code') });

  // Five more wrong codes with a new code lock the address (ten per address).
  const resent = await guest.submit(page, '/send');
  const second = codeIn(await smtp.nextMessageTo(email));
  for (let attempt = 1; attempt <= 4; attempt += 1) await guest.submit(resent, '/verify', { code: wrongCode(second) });
  const before = Date.now();
  const locked = await guest.submit(resent, '/verify', { code: wrongCode(second) });
  expect(locked.status).toBe(429);
  const entry = await entryOf(locked);
  expect(entry.status.errorCode).toBe(50053);
  const until = /locked out until (\S+)\./.exec(entry.status.failureReason)?.[1];
  expect(Date.parse(until!)).toBeGreaterThan(before + 10 * 60_000);

  const failures = await signIns(`?$filter=${encodeURIComponent(`userId eq '${userId}'`)}`);
  expect(failures.value.map((each) => each.status.errorCode)).toEqual([50053, 50126, 50126, 50126, 50126, 1900003, 50126, 50126, 50126, 1900001, 50126]);
});

test('a code that expired is logged as expired', async () => {
  // An instance whose codes live one second; the test waits for Redis to expire the code, not for a clock.
  const short = await startIdp({ env: { SMTP_URL: smtp.url, OTP_TTL_SECONDS: '1' } });
  try {
    const fixture = await tenantWithApp(short, 'contoso');
    await inviteGuest(short, 'contoso', 'slow@fabrikam.example');
    const guest = new GuestAgent();
    const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
    const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: 'slow@fabrikam.example' }), rp.isCallback);
    const watch = await watchRedisExpiry(requireRedisUrl(), short.keys.passcode('contoso', uidOf(sendPage)));
    try {
      const page = await guest.submit(sendPage, '/send');
      const code = codeIn(await smtp.nextMessageTo('slow@fabrikam.example'));
      await watch.expired;
      const late = await guest.submit(page, '/verify', { code });
      const entries = (await short.admin('GET', '/admin/tenants/contoso/signIns')).body.value;
      expect(entries[0]).toMatchObject({ correlationId: late.requestId, userPrincipalName: 'slow@fabrikam.example', status: { errorCode: 1900002, failureReason: expect.stringContaining('Code expired') } });
    } finally {
      await watch.stop();
    }
  } finally {
    await short.close();
  }
});

test('a blocked account (accountEnabled false) is logged as 50057, and blocking it is audited', async () => {
  const { email, userId } = await invited();
  expect((await idp.admin('PATCH', `/admin/tenants/contoso/users/${userId}`, { accountEnabled: false })).status).toBe(200);
  const { guest, page, code, rp } = await codeSent(email);
  const refused = await guest.submit(page, '/verify', { code }, rp.isCallback);
  expect(refused.status).toBe(403);
  expect(await entryOf(refused)).toMatchObject({
    userId, userPrincipalName: email, appId: contoso.app.client_id,
    status: { errorCode: 50057, failureReason: expect.stringContaining('set accountEnabled to true') },
  });
  const audits = (await idp.admin('GET', `/admin/tenants/contoso/directoryAudits?$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${userId}')`)}`)).body.value;
  expect(audits.map((audit: { activityDisplayName: string }) => audit.activityDisplayName)).toEqual(['Disable account', 'Invite external user']);
});

test('no sign-in method, email OTP turned off for a guest who redeemed with it, and an unusable invitation link', async () => {
  const tenant = await tenantWithApp(idp, 'northwind');
  const invitation = await inviteGuest(idp, 'northwind', 'otp-guest@fabrikam.example');
  // The guest redeems with a code while email OTP is on.
  {
    const { guest, page, code, rp } = await codeSent('otp-guest@fabrikam.example', new GuestAgent(), tenant);
    expect(rp.isCallback((await guest.submit(page, '/verify', { code }, rp.isCallback)).location ?? '')).toBe(true);
  }
  expect((await idp.admin('PATCH', '/admin/tenants/northwind/policies/emailOtp', { state: 'disabled' })).status).toBe(200);

  const rp = await RelyingParty.discover(tenant.issuer, tenant.app, tenant.redirectUri);
  const disabled = await new GuestAgent().follow(await rp.authorizationUrl({ login_hint: 'otp-guest@fabrikam.example' }), rp.isCallback);
  expect(disabled.status).toBe(403);
  expect(await entryOfTenant(disabled, 'northwind')).toMatchObject({
    userId: invitation.invitedUser.id, userPrincipalName: 'otp-guest@fabrikam.example', appId: tenant.app.client_id,
    status: { errorCode: 1900011, failureReason: expect.stringContaining('email one-time passcode, which is disabled for the tenant') },
  });

  const nobody = await new GuestAgent().follow(await rp.authorizationUrl({ login_hint: 'stranger@elsewhere.example' }), rp.isCallback);
  expect(nobody.status).toBe(403);
  expect(await entryOfTenant(nobody, 'northwind')).toMatchObject({
    userId: null, userPrincipalName: 'stranger@elsewhere.example',
    status: { errorCode: 1900010, failureReason: expect.stringContaining('No sign-in method for this address') },
  });

  const unusable = await new GuestAgent().follow(`${idp.baseUrl}/northwind/v2.0/redeem?ticket=not-a-ticket`);
  expect(unusable.status).toBe(410);
  expect((await entryOfTenant(unusable, 'northwind')).status).toEqual({ errorCode: 1900020, failureReason: expect.stringContaining('send a new invitation') });
});

async function entryOfTenant(page: GuestPage, tenantId: string) {
  const entries = (await signIns('', tenantId)).value.filter((entry) => entry.correlationId === page.requestId);
  expect(entries).toHaveLength(1);
  return entries[0];
}

test('filters, newest first, and paging with @odata.nextLink', async () => {
  const { email, userId } = await invited();
  const { guest, page, code, rp } = await codeSent(email);
  await guest.submit(page, '/verify', { code: wrongCode(code) });
  await guest.submit(page, '/verify', { code: wrongCode(code) });
  await guest.submit(page, '/verify', { code }, rp.isCallback);

  const byAddress = await signIns(`?$filter=${encodeURIComponent(`userPrincipalName eq '${email.toUpperCase()}'`)}`);
  expect(byAddress.value.map((entry) => entry.status.errorCode)).toEqual([0, 50126, 50126]);
  const times = byAddress.value.map((entry) => Date.parse(entry.createdDateTime));
  expect([...times].sort((a, b) => b - a)).toEqual(times);

  const failedOfUser = await signIns(`?$filter=${encodeURIComponent(`userId eq '${userId}' and status/errorCode ne 0`)}`);
  expect(failedOfUser.value).toHaveLength(2);
  const successes = await signIns(`?$filter=${encodeURIComponent(`status/errorCode eq 0 and appId eq '${contoso.app.client_id}'`)}`);
  expect(successes.value.length).toBeGreaterThanOrEqual(1);
  expect(successes.value.every((entry) => entry.status.errorCode === 0 && entry.appId === contoso.app.client_id)).toBe(true);
  expect((await signIns(`?$filter=${encodeURIComponent(`createdDateTime ge ${new Date(Date.now() + 60_000).toISOString()}`)}`)).value).toEqual([]);
  const recent = await signIns(`?$filter=${encodeURIComponent(`createdDateTime ge ${new Date(times[2]!).toISOString()} and userId eq '${userId}'`)}`);
  expect(recent.value).toHaveLength(3);

  // Pages of two, following nextLink, see every entry once.
  const all = (await signIns()).value.map((entry) => entry.id);
  expect(all.length).toBeGreaterThan(4);
  const paged: string[] = [];
  let next: string | undefined = `${idp.baseUrl}/admin/tenants/contoso/signIns?$top=2`;
  while (next) {
    const answer = await idp.admin('GET', next.slice(idp.baseUrl.length));
    expect(answer.status).toBe(200);
    expect(answer.body.value.length).toBeLessThanOrEqual(2);
    paged.push(...answer.body.value.map((entry: { id: string }) => entry.id));
    next = answer.body['@odata.nextLink'];
  }
  expect(paged).toEqual(all);

  // A filtered page keeps its filter in nextLink.
  const firstFailed = await signIns(`?$top=1&$filter=${encodeURIComponent(`userId eq '${userId}' and status/errorCode ne 0`)}`);
  const nextFailed = new URL(firstFailed['@odata.nextLink']!);
  expect(nextFailed.searchParams.get('$filter')).toBe(`userId eq '${userId}' and status/errorCode ne 0`);
  const secondFailed = (await idp.admin('GET', `${nextFailed.pathname}${nextFailed.search}`)).body;
  expect([...firstFailed.value, ...secondFailed.value].map((entry) => entry.status.errorCode)).toEqual([50126, 50126]);
});

test.each([
  ['mail eq \'a@b.example\''],
  ['userPrincipalName eq a@b.example'],
  ['status/errorCode eq \'0\''],
  ['status/errorCode gt 0'],
  ['createdDateTime ge yesterday'],
  ['createdDateTime eq 2026-01-01T00:00:00Z'],
  ['userId eq \'x\' or appId eq \'y\''],
  ['startswith(userPrincipalName, \'a\')'],
])('a filter it cannot apply is a 400, not ignored: %s', async (filter) => {
  const answer = await idp.admin('GET', `/admin/tenants/contoso/signIns?$filter=${encodeURIComponent(filter)}`);
  expect(answer.status).toBe(400);
  expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.stringContaining('$filter') });
});

test('a bad $top or $skiptoken is a 400; another tenant\'s token is refused', async () => {
  expect((await idp.admin('GET', '/admin/tenants/contoso/signIns?$top=0')).status).toBe(400);
  expect((await idp.admin('GET', '/admin/tenants/contoso/signIns?$skiptoken=forged')).status).toBe(400);
  await tenantWithApp(idp, 'litware');
  const first = await signIns('?$top=1');
  const token = new URL(first['@odata.nextLink']!).searchParams.get('$skiptoken')!;
  expect((await idp.admin('GET', `/admin/tenants/litware/signIns?$skiptoken=${encodeURIComponent(token)}`)).status).toBe(400);
  expect((await idp.admin('GET', `/admin/tenants/contoso/directoryAudits?$skiptoken=${encodeURIComponent(token)}`)).status).toBe(400);
});

test('a sign-in log that cannot be written does not fail the sign-in: the failure is logged without the address, and counted', async () => {
  const tenant = await tenantWithApp(idp, 'adatum');
  await inviteGuest(idp, 'adatum', 'unlogged@fabrikam.example');
  // The log's key holds something else: Redis refuses every append to it (WRONGTYPE).
  await idp.store.write([{ type: 'set', key: idp.keys.signInLog('adatum'), value: 'not a stream' }]);

  const { guest, page, code, rp } = await codeSent('unlogged@fabrikam.example', new GuestAgent(), tenant);
  const verified = await guest.submit(page, '/verify', { code }, () => true);
  const callback = await guest.follow(verified.location!, rp.isCallback);
  expect(rp.isCallback(callback.location ?? '')).toBe(true);
  expect((await rp.redeemCallback(callback.location!)).claims()?.email).toBe('unlogged@fabrikam.example');

  const lines = logged.lines.filter((line) => line.requestId === verified.requestId);
  expect(lines.find((line) => line.msg === 'could not write the sign-in log entry; the sign-in goes on')).toMatchObject({ level: 50, tenant: 'adatum' });
  expect(JSON.stringify(lines)).not.toContain('unlogged@');

  const metrics = await fetch(`${idp.baseUrl}/metrics`, { headers: { authorization: `Bearer ${(await import('../support/idp.ts')).TEST_ADMIN_TOKEN}` } });
  const text = await metrics.text();
  expect(text).toMatch(/^guest_idp_activity_log_write_failures_total\{log="signIns"\} [1-9]/m);
});

test('/metrics answers operators: sign-ins by method and result, codes sent, rate-limit refusals, mail queue depth, cached Providers', async () => {
  const response = await fetch(`${idp.baseUrl}/metrics`, { headers: { authorization: `Bearer ${(await import('../support/idp.ts')).TEST_ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).toMatch(/^guest_idp_sign_ins_total\{method="EmailOTP",result="success",error_code="0"\} [1-9]/m);
  expect(text).toMatch(/^guest_idp_sign_ins_total\{method="EmailOTP",result="failure",error_code="50126"\} [1-9]/m);
  expect(text).toMatch(/^guest_idp_sign_ins_total\{method="none",result="failure",error_code="1900010"\} [1-9]/m);
  expect(text).toMatch(/^guest_idp_passcodes_sent_total [1-9]/m);
  expect(text).toMatch(/^guest_idp_rate_limit_refusals_total\{limit="passcode_failures"\} [0-9]/m);
  expect(text).toMatch(/^guest_idp_mail_queue_depth \d+/m);
  expect(text).toMatch(/^guest_idp_tenant_providers_cached [1-9]/m);
  expect(text).toContain('# TYPE guest_idp_store_errors_total counter');
  expect(text).toContain('# TYPE guest_idp_mail_failures_total counter');
  // No tenant is a label.
  expect(text).not.toMatch(/contoso|northwind/);
});
