import { RECORD_CACHE_SECONDS } from '../../src/limits.ts';
import { recordFinding } from '../support/findings.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { adminCall, type ProductProcess, productionEnv, purgeProductData, startProductProcess } from '../support/product-process.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { type RoundRobinProxy, startRoundRobinProxy } from '../support/round-robin-proxy.ts';
import { type SignInFixture, signInWithCode } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Two real `node src/main.ts` processes of one deployment (same Redis and key prefix, same
 * BASE_URL, cookie and encryption keys) behind a round-robin proxy whose address is BASE_URL, as
 * behind a load balancer without sticky sessions.
 */

let smtp: SmtpListener;
let proxy: RoundRobinProxy;
let first: ProductProcess;
let second: ProductProcess;

beforeAll(async () => {
  smtp = await startSmtpListener();
  proxy = await startRoundRobinProxy();
  const env = productionEnv({ BASE_URL: proxy.url, SMTP_URL: smtp.url });
  first = await startProductProcess(env);
  second = await startProductProcess(env);
  proxy.upstreams = [first.url, second.url];
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await proxy?.close();
  await smtp?.close();
  if (first) await purgeProductData(first.env);
});

async function tenantWithApp(tenantId: string, displayName: string): Promise<SignInFixture> {
  expect((await adminCall(proxy.url, 'POST', '/admin/tenants', { id: tenantId, displayName })).status).toBe(201);
  const redirectUri = `https://${tenantId}-app.example/callback`;
  const app = await adminCall(proxy.url, 'POST', `/admin/tenants/${tenantId}/clients`, {
    client_name: `${tenantId} app`, redirect_uris: [redirectUri], grant_types: ['authorization_code'],
  });
  expect(app.status).toBe(201);
  return { tenantId, issuer: `${proxy.url}/${tenantId}/v2.0`, app: app.body, redirectUri };
}

test('a guest signs in by emailed code while consecutive requests alternate between the two processes', async () => {
  const fixture = await tenantWithApp('fabrikam', 'Fabrikam');
  const email = 'guest@partner.example';
  expect((await adminCall(proxy.url, 'POST', '/admin/tenants/fabrikam/invitations', {
    invitedUserEmailAddress: email, inviteRedirectUrl: 'https://apps.example/', sendInvitationMessage: false,
  })).status).toBe(201);

  const from = proxy.routed.length;
  const { tokens } = await signInWithCode(new GuestAgent(), fixture, email, smtp);
  const signIn = proxy.routed.slice(from);

  expect(tokens.claims()).toMatchObject({ iss: fixture.issuer, email, tid: 'fabrikam', amr: ['otp'] });
  // Discovery, authorization, interaction pages, Send code, the code, the callback and the token
  // exchange each went to the other process than the step before.
  expect(signIn.length).toBeGreaterThanOrEqual(6);
  for (let index = 1; index < signIn.length; index += 1) expect(signIn[index]?.upstream).not.toBe(signIn[index - 1]?.upstream);
  expect(signIn.filter((step) => step.status >= 500)).toEqual([]);

  recordFinding({
    kind: 'fault',
    name: 'Two processes, no sticky sessions',
    tried: 'a guest sign-in by emailed code through a round-robin proxy in front of two production processes on one Redis',
    times: signIn.length,
    result: `the sign-in completed with an ID token; its ${signIn.length} requests alternated between the processes (${signIn.filter((step) => step.upstream === first.url).length} and ${signIn.filter((step) => step.upstream === second.url).length})`,
  });
});

test(`a tenant renamed on one process shows on the other within RECORD_CACHE_SECONDS (${RECORD_CACHE_SECONDS} s)`, async () => {
  const fixture = await tenantWithApp('contoso', 'Contoso');
  // A sign-in page of the tenant, read from the second process, which remembers the tenant.
  const guest = new GuestAgent();
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const signInPage = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  const onSecond = signInPage.url.replace(proxy.url, second.url);
  const warm = await guest.request(onSecond);
  expect(warm.status).toBe(200);
  expect(warm.html).toContain('Sign in to Contoso');

  const renamed = await adminCall(first.url, 'PATCH', '/admin/tenants/contoso', { displayName: 'Contoso Renamed' });
  expect(renamed.status).toBe(200);
  const changedAt = performance.now();

  let lastStaleStartedAt = changedAt;
  let polls = 0;
  for (;;) {
    const startedAt = performance.now();
    const page = await guest.request(onSecond);
    polls += 1;
    expect(page.status).toBe(200);
    if (page.html.includes('Sign in to Contoso Renamed')) break;
    expect(page.html).toContain('Sign in to Contoso');
    lastStaleStartedAt = startedAt;
  }
  const freshAfterMs = performance.now() - changedAt;
  const staleForMs = lastStaleStartedAt - changedAt;
  // The one timed assertion of this issue: no stale answer once the documented bound has passed.
  expect(staleForMs).toBeLessThanOrEqual(RECORD_CACHE_SECONDS * 1000);

  recordFinding({
    kind: 'fault',
    name: 'Admin change seen by another process',
    tried: 'renamed a tenant through one production process, then read its sign-in page from the other until the new name showed',
    times: polls,
    result: `the other process showed the new name ${Math.round(freshAfterMs)} ms after the change (last stale answer started at ${Math.round(staleForMs)} ms; documented bound ${RECORD_CACHE_SECONDS * 1000} ms)`,
  });
});
