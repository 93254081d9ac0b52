import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { recordFinding } from '../support/findings.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { type ProductProcess, productionEnv, startProductProcess } from '../support/product-process.ts';
import { freePort } from '../support/redis-server.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.ts';

/**
 * Server-side request forgery: a tenant administrator names the URLs the server calls (an
 * identity provider's issuer, and everything its discovery document names). Without
 * ALLOW_PRIVATE_UPSTREAMS the server calls none that is not on the internet (loopback here, as
 * the tests can only use loopback), connects to nothing it refused, and answers every failed
 * issuer check with one generic message, so the admin API is no port scanner.
 */

const SECRET = 'the-upstream-client-secret-0123456789';
const GENERIC = /^Invalid identity provider: issuer: could not use \S+\/\.well-known\/openid-configuration\. Check that the issuer URL is right, that it is reachable from the internet, and that its discovery document names exactly this issuer\.$/;

let upstream: UpstreamIdp;
let guarded: RunningIdp;

function register(idp: RunningIdp, id: string, issuer: string, tenant = 'contoso') {
  return idp.admin('PUT', `/admin/tenants/${tenant}/identityProviders/${id}`, {
    type: 'oidc', displayName: 'Partner IdP', issuer, clientId: 'contoso', clientSecret: SECRET, domains: [`${id}.example`],
  });
}

/** The message with the issuer URL (the caller's own input) taken out: what is left must not vary. */
function withoutIssuer(message: string, issuer: string): string {
  return message.replace(issuer, '<issuer>');
}

/** An HTTP server that answers everything with a page that is not a discovery document. */
async function startNotAnIdp(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

beforeAll(async () => {
  upstream = await startUpstreamIdp('Partner IdP');
  guarded = await startIdp({ env: { ALLOW_PRIVATE_UPSTREAMS: 'false' } });
  expect((await guarded.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
});

afterAll(async () => {
  await guarded.close();
  await upstream.close();
});

describe('with ALLOW_PRIVATE_UPSTREAMS=false', () => {
  test('an identity provider on a loopback port is refused generically, before any connection, and nothing is stored', async () => {
    const closedPort = await freePort();
    const before = await snapshotNamespace(guarded.namespace);
    const seenBefore = { ...upstream.seen };

    const open = await register(guarded, 'open', upstream.issuer);
    const closed = await register(guarded, 'closed', `http://127.0.0.1:${closedPort}`);

    for (const answer of [open, closed]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('BadRequest');
      expect(answer.body.error.message).toMatch(GENERIC);
    }
    // An open and a closed port get the same answer: nothing to scan with.
    expect(withoutIssuer(open.body.error.message, upstream.issuer)).toBe(withoutIssuer(closed.body.error.message, `http://127.0.0.1:${closedPort}`));
    // The check is at connect time, on the address: not even a TCP connection reached the upstream.
    expect(upstream.seen).toEqual(seenBefore);
    expect(await snapshotNamespace(guarded.namespace)).toEqual(before);
    recordFinding({
      kind: 'attack', name: 'SSRF: identity provider on a loopback port',
      tried: 'registered an identity provider whose issuer is a live OIDC provider on a loopback port, and one on a closed port, with ALLOW_PRIVATE_UPSTREAMS=false',
      times: 2,
      result: `both 400 with the same generic message; the live provider received ${upstream.seen.connections - seenBefore.connections} connections; nothing stored`,
    });
  });

  test('localhost as a host name (DNS answers loopback), and IPv6 spellings of 127.0.0.1, are refused the same way', async () => {
    const port = new URL(upstream.issuer).port;
    const issuers = [`http://localhost:${port}`, `https://localhost:${port}`, `https://[::ffff:127.0.0.1]:${port}`, `https://[::ffff:7f00:1]:${port}`];
    const before = await snapshotNamespace(guarded.namespace);
    const seenBefore = { ...upstream.seen };
    for (const issuer of issuers) {
      const answer = await register(guarded, 'named', issuer);
      expect({ issuer, status: answer.status }).toEqual({ issuer, status: 400 });
      expect(answer.body.error.message).toMatch(GENERIC);
    }
    expect(upstream.seen).toEqual(seenBefore);
    expect(await snapshotNamespace(guarded.namespace)).toEqual(before);
    recordFinding({
      kind: 'attack', name: 'SSRF: identity provider at loopback by another spelling',
      tried: `registered identity providers at ${issuers.map((issuer) => issuer.replace(port, '<port>')).join(', ')} (a live OIDC provider listens there), with ALLOW_PRIVATE_UPSTREAMS=false`,
      times: issuers.length,
      result: `each 400 with the generic message; the provider received ${upstream.seen.connections - seenBefore.connections} connections; nothing stored`,
    });
  });

  test('an identity provider stored while allowed is not called at sign-in once private upstreams are refused', async () => {
    // Another process of the same deployment, allowed to call loopback, registered the provider
    // in a new tenant (the same situation as an issuer whose name later resolves to a private address).
    const permissive = await startIdp({ namespace: guarded.namespace, keepData: true });
    try {
      expect((await permissive.admin('POST', '/admin/tenants', { id: 'northwind', displayName: 'Northwind' })).status).toBe(201);
      await upstream.registerClient({ client_id: 'contoso', client_secret: SECRET, redirect_uris: [`${guarded.baseUrl}/northwind/v2.0/federation/callback`] });
      expect((await register(permissive, 'stored', upstream.issuer, 'northwind')).status).toBe(201);
    } finally {
      await permissive.close();
    }
    const app = await guarded.admin('POST', '/admin/tenants/northwind/clients', { client_name: 'app', redirect_uris: ['https://app.example/callback'] });
    await inviteGuest(guarded, 'northwind', 'guest@stored.example');
    const seenBefore = { ...upstream.seen };

    const guest = new GuestAgent();
    const rp = await RelyingParty.discover(`${guarded.baseUrl}/northwind/v2.0`, app.body, 'https://app.example/callback');
    const page = await guest.follow(await rp.authorizationUrl({ login_hint: 'guest@stored.example' }), rp.isCallback);

    expect(page.status).toBe(503);
    expect(textOf(page.html)).toContain('We couldn’t reach Partner IdP');
    expect(textOf(page.html)).not.toMatch(/127\.0\.0\.1|loopback|ECONNREFUSED|fetch failed/);
    expect(upstream.seen).toEqual(seenBefore);
    recordFinding({
      kind: 'attack', name: 'SSRF: stored identity provider now at a private address',
      tried: 'a guest signs in through an identity provider whose issuer is on loopback, in a process with ALLOW_PRIVATE_UPSTREAMS=false',
      times: 1,
      result: `the guest gets the generic "couldn’t reach" page (503); the provider received ${upstream.seen.connections - seenBefore.connections} connections`,
    });
  });
});

describe('with ALLOW_PRIVATE_UPSTREAMS=false, the deployment’s own issuers and deployment settings', () => {
  let smtp: SmtpListener;
  let consumer: UpstreamIdp;
  let idp: RunningIdp;
  let contoso: SignInFixture;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    consumer = await startUpstreamIdp('Consumer accounts (test)');
    consumer.consumerAccounts.add('pat@outlook.example');
    idp = await startIdp({
      env: {
        ALLOW_PRIVATE_UPSTREAMS: 'false',
        SMTP_URL: smtp.url,
        CONSUMER_ACCOUNTS_ISSUER: consumer.issuer,
        CONSUMER_ACCOUNTS_CLIENT_ID: 'contoso',
        CONSUMER_ACCOUNTS_CLIENT_SECRET: SECRET,
        CONSUMER_ACCOUNTS_LOOKUP_URL: `${consumer.issuer}/lookup`,
      },
    });
    contoso = await tenantWithApp(idp, 'contoso');
    expect((await idp.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam', verifiedDomains: ['fabrikam.example'] })).status).toBe(201);
    expect((await idp.admin('POST', '/admin/tenants/fabrikam/users', { mail: 'megan@fabrikam.example', displayName: 'Megan Bowen' })).status).toBe(201);
  });

  afterAll(async () => {
    await idp.close();
    await Promise.all([consumer.close(), smtp.close()]);
  });

  test('a home-tenant sign-in still calls this deployment’s own issuer (BASE_URL, on loopback here)', async () => {
    await inviteGuest(idp, 'contoso', 'megan@fabrikam.example');
    const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
    const guest = new GuestAgent();
    const page = await guest.follow(await rp.authorizationUrl({ login_hint: 'megan@fabrikam.example' }), rp.isCallback);
    expect(page.url).toMatch(new RegExp(`^${idp.baseUrl}/fabrikam/v2\\.0/interaction/`));
    const entering = await guest.submit(page, '/send');
    const end = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo('megan@fabrikam.example')) }, rp.isCallback);
    const claims = (await rp.redeemCallback(end.location!)).claims()!;
    expect(claims).toMatchObject({ tid: 'contoso', email: 'megan@fabrikam.example', idp: `${idp.baseUrl}/fabrikam/v2.0` });
  });

  test('the consumer-account lookup on a loopback URL is refused: the guest falls back to a code', async () => {
    await inviteGuest(idp, 'contoso', 'pat@outlook.example');
    const seenBefore = { ...consumer.seen };
    const rp = await RelyingParty.discover(contoso.issuer, contoso.app, contoso.redirectUri);
    const page = await new GuestAgent().follow(await rp.authorizationUrl({ login_hint: 'pat@outlook.example' }), rp.isCallback);
    expect(textOf(page.html)).toContain('We’ll email a sign-in code to pat@outlook.example');
    expect(consumer.seen).toEqual(seenBefore);
    recordFinding({
      kind: 'attack', name: 'SSRF: consumer-account lookup on loopback',
      tried: 'a guest whose address a loopback consumer-account service knows signs in, with ALLOW_PRIVATE_UPSTREAMS=false',
      times: 1,
      result: `the lookup is refused before connecting (${consumer.seen.connections - seenBefore.connections} connections); the guest is offered an emailed code`,
    });
  });
});

describe('with ALLOW_PRIVATE_UPSTREAMS=true (development and tests)', () => {
  let open: RunningIdp;
  let notAnIdp: { url: string; server: Server };

  beforeAll(async () => {
    open = await startIdp({ env: { ALLOW_PRIVATE_UPSTREAMS: 'true' } });
    notAnIdp = await startNotAnIdp();
    expect((await open.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  });

  afterAll(async () => {
    await open.close();
    notAnIdp.server.close();
  });

  test('the same loopback identity provider is accepted', async () => {
    const answer = await register(open, 'loopback', upstream.issuer);
    expect(answer.status).toBe(201);
  });

  test('a closed port, a page that is no discovery document and another issuer all get the same answer', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const cases = [closed, notAnIdp.url, `${upstream.issuer}/elsewhere`];
    const before = await snapshotNamespace(open.namespace);
    const messages: string[] = [];
    for (const [index, issuer] of cases.entries()) {
      const answer = await register(open, `probe${index}`, issuer);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(GENERIC);
      messages.push(withoutIssuer(answer.body.error.message, issuer));
    }
    expect(new Set(messages).size).toBe(1);
    expect(await snapshotNamespace(open.namespace)).toEqual(before);
    recordFinding({
      kind: 'attack', name: 'Admin API as a port scanner',
      tried: 'registered identity providers at a closed port, at an open port that is no identity provider, and at a provider naming another issuer',
      times: cases.length,
      result: 'the same 400 message for each (no "fetch failed", ECONNREFUSED or status); the cause is in the warn log with the request id',
    });
  });
});

describe('in production mode without ALLOW_PRIVATE_UPSTREAMS (the real process)', () => {
  let product: ProductProcess;
  let permissive: RunningIdp;

  beforeAll(async () => {
    const env = productionEnv();
    delete env.ALLOW_PRIVATE_UPSTREAMS;
    product = await startProductProcess(env);
    // A process of the same deployment that may call loopback sets up a tenant with a loopback
    // identity provider, for the guest's leg below.
    permissive = await startIdp({ namespace: env.REDIS_KEY_PREFIX, env: { ALLOW_PRIVATE_UPSTREAMS: 'true' } });
    expect((await permissive.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
    expect((await register(permissive, 'partner', upstream.issuer)).status).toBe(201);
  });

  afterAll(async () => {
    await product.stop();
    await permissive.close();
  });

  test('a loopback issuer is refused with the generic answer; the log has the cause and the request id, not the secret', async () => {
    const seenBefore = { ...upstream.seen };
    const response = await fetch(`${product.url}/admin/tenants/contoso/identityProviders/probe`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'oidc', issuer: upstream.issuer, clientId: 'contoso', clientSecret: SECRET, domains: ['probe.example'] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(GENERIC);
    const requestId = response.headers.get('x-request-id');
    const line = await product.waitForLog((entry) => entry.msg === 'identity provider issuer check failed' && entry.requestId === requestId);
    expect(line).toMatchObject({
      level: 40, tenant: 'contoso', identityProvider: 'probe', issuer: upstream.issuer,
      failure: { cause: 'refusedAddress', address: '127.0.0.1', addressUse: 'loopback' },
    });
    expect(upstream.seen).toEqual(seenBefore);
    expect(JSON.stringify(product.logs)).not.toContain(SECRET);
  });

  test('a guest’s sign-in through the loopback provider gets the generic page; the log has the cause', async () => {
    const app = await permissive.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'app', redirect_uris: ['https://app.example/callback'] });
    await inviteGuest(permissive, 'contoso', 'guest@partner.example');
    const seenBefore = { ...upstream.seen };
    const rp = await RelyingParty.discover(`${product.url}/contoso/v2.0`, app.body, 'https://app.example/callback');
    const page = await new GuestAgent().follow(await rp.authorizationUrl({ login_hint: 'guest@partner.example' }), rp.isCallback);
    expect(page.status).toBe(503);
    expect(textOf(page.html)).toContain('We couldn’t reach Partner IdP');
    const line = await product.waitForLog((entry) => entry.msg === 'upstream sign-in failed' && entry.issuer === upstream.issuer);
    expect(line).toMatchObject({
      level: 40, tenant: 'contoso', kind: 'unreachable', cause: 'unreachable', requestId: expect.any(String), failure: { cause: 'refusedAddress', addressUse: 'loopback' },
    });
    expect(upstream.seen).toEqual(seenBefore);
  });
});
