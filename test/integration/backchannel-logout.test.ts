import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

import { recordFinding } from '../support/findings.ts';
import { formsOf, GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { adminCall, type ProductProcess, productionEnv, startProductProcess } from '../support/product-process.ts';
import { freePort } from '../support/redis-server.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { type SignInFixture, signInWithCode } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';

/**
 * OpenID Connect Back-Channel Logout 1.0, as an app that registered a `backchannel_logout_uri`
 * sees it: when the guest signs out at the tenant's end-session endpoint, the app's server gets a
 * POST with a logout token signed by the tenant's keys, naming the guest (and the session, when
 * the app asked for `sid`). Deliveries go through the guarded outbound client; one that fails
 * never stops the guest's sign-out.
 *
 * oidc-provider delivers every logout token before it answers the sign-out, so once the guest's
 * "Sign out" has been answered, a listener has received all it will ever receive: the tests count
 * at that point, without waiting.
 */

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** An app's back-channel logout endpoint: a real HTTP listener on loopback that records each POST. */
interface LogoutListener {
  url: string;
  posts: Array<{ method: string; contentType: string | undefined; form: URLSearchParams }>;
  connections: number;
  close(): Promise<void>;
}

async function startLogoutListener(): Promise<LogoutListener> {
  const listener: LogoutListener = { url: '', posts: [], connections: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      listener.posts.push({ method: req.method ?? '', contentType: req.headers['content-type'], form: new URLSearchParams(body) });
      // The spec's answer for a logout that was carried out.
      res.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  });
  server.on('connection', () => { listener.connections += 1; });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  listener.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/backchannel-logout`;
  listener.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return listener;
}

/** Registers a confidential web app through an admin API call function; fails the test on anything but 201. */
async function registerApp(
  admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>,
  issuer: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<SignInFixture> {
  const redirectUri = `https://${name}.example/callback`;
  const created = await admin('POST', '/admin/tenants/contoso/clients', { client_name: name, redirect_uris: [redirectUri], ...extra });
  expect(created.status).toBe(201);
  return { tenantId: 'contoso', issuer, app: created.body, redirectUri };
}

/**
 * RP-initiated logout as an app starts it (openid-client's end-session URL with the ID token as
 * hint), then the guest presses "Sign out" on the confirmation page.
 */
async function signOut(guest: GuestAgent, rp: RelyingParty, idToken: string): Promise<GuestPage> {
  const confirmation = await guest.follow(oidc.buildEndSessionUrl(rp.config, { id_token_hint: idToken }).href);
  expect(textOf(confirmation.html)).toContain('You’ll be signed out of Contoso in this browser.');
  return guest.submit(confirmation, '/session/end/confirm', { logout: 'yes' });
}

/** Whether the browser still has a session for the app: an authorization request goes straight back. */
async function stillSignedIn(guest: GuestAgent, fixture: SignInFixture): Promise<boolean> {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const page = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
  return page.location !== undefined && rp.isCallback(page.location);
}

describe('with private addresses allowed (development and tests)', () => {
  let smtp: SmtpListener;
  let idp: RunningIdp;
  let issuer: string;
  let listener: LogoutListener;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    idp = await startIdp({ env: { SMTP_URL: smtp.url } });
    issuer = `${idp.baseUrl}/contoso/v2.0`;
    expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
    for (const [email, name] of [['adele@fabrikam.example', 'Adele Vance'], ['lee@fabrikam.example', 'Lee Gu'], ['nestor@fabrikam.example', 'Nestor Wilke']]) {
      const invited = await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: email, invitedUserDisplayName: name, inviteRedirectUrl: 'https://apps.example/' });
      expect(invited.status).toBe(201);
    }
  });

  beforeEach(async () => {
    listener = await startLogoutListener();
  });

  afterEach(async () => {
    await listener.close();
  });

  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  describe('registering', () => {
    test('an https or loopback http backchannel_logout_uri is stored with backchannel_logout_session_required, false unless given', async () => {
      const withSid = await idp.admin('POST', '/admin/tenants/contoso/clients', {
        client_name: 'Payroll', redirect_uris: ['https://payroll.example/callback'],
        backchannel_logout_uri: 'https://payroll.example/oidc/backchannel?tenant=contoso', backchannel_logout_session_required: true,
      });
      expect(withSid.status).toBe(201);
      expect(withSid.body).toMatchObject({ backchannel_logout_uri: 'https://payroll.example/oidc/backchannel?tenant=contoso', backchannel_logout_session_required: true });
      const local = await idp.admin('POST', '/admin/tenants/contoso/clients', {
        client_name: 'Local app', redirect_uris: ['http://localhost:8080/callback'], backchannel_logout_uri: 'http://127.0.0.1:8080/logout',
      });
      expect(local.status).toBe(201);
      const read = await idp.admin('GET', `/admin/tenants/contoso/clients/${local.body.client_id}`);
      expect(read.body).toMatchObject({ backchannel_logout_uri: 'http://127.0.0.1:8080/logout', backchannel_logout_session_required: false });
      const plain = await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'Plain', redirect_uris: ['https://plain.example/callback'] });
      expect(plain.body).not.toHaveProperty('backchannel_logout_uri');
      expect(plain.body).not.toHaveProperty('backchannel_logout_session_required');

      const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      expect(discovery).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
      expect(discovery).not.toHaveProperty('frontchannel_logout_supported');
    });

    test('anything else is a 400 naming the field, and nothing is stored', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ backchannel_logout_uri: 'http://payroll.example/logout' }, 'backchannel_logout_uri: must be an https URL (http only for localhost) without a fragment'],
        [{ backchannel_logout_uri: 'https://payroll.example/logout#done' }, 'backchannel_logout_uri: must be an https URL (http only for localhost) without a fragment'],
        [{ backchannel_logout_uri: 'https://payroll.example/logout#' }, 'backchannel_logout_uri: must be an https URL (http only for localhost) without a fragment'],
        [{ backchannel_logout_uri: 'https://user:pass@payroll.example/logout' }, 'backchannel_logout_uri: must be an https URL (http only for localhost) without a fragment'],
        [{ backchannel_logout_uri: 'javascript:alert(1)' }, 'backchannel_logout_uri: must be an https URL (http only for localhost) without a fragment'],
        [{ backchannel_logout_uri: '/logout' }, 'backchannel_logout_uri: must be an https URL (http only for localhost) without a fragment'],
        [{ backchannel_logout_uri: ['https://payroll.example/logout'] }, 'backchannel_logout_uri: Invalid input: expected string, received array'],
        [{ backchannel_logout_uri: 'https://payroll.example/logout', backchannel_logout_session_required: 'yes' }, 'backchannel_logout_session_required: Invalid input: expected boolean, received string'],
        [{ backchannel_logout_session_required: true }, 'backchannel_logout_session_required: true needs a backchannel_logout_uri'],
        [{ frontchannel_logout_uri: 'https://payroll.example/logout' }, 'frontchannel_logout_uri: front-channel logout is not offered; register a backchannel_logout_uri instead'],
        [{ frontchannel_logout_session_required: true }, 'frontchannel_logout_session_required: front-channel logout is not offered; register a backchannel_logout_uri instead'],
      ];
      const before = await snapshotNamespace(idp.namespace);
      for (const [fields, message] of cases) {
        const answer = await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'Payroll', redirect_uris: ['https://payroll.example/callback'], ...fields });
        expect({ fields, status: answer.status, body: answer.body }).toEqual({ fields, status: 400, body: { error: { code: 'BadRequest', message: `Invalid request body: ${message}.` } } });
      }
      expect(await snapshotNamespace(idp.namespace)).toEqual(before);
    });
  });

  describe('signing out', () => {
    test('the app gets a logout token signed by the tenant, for the ID token’s sub and sid', async () => {
      const payroll = await registerApp(idp.admin, issuer, 'payroll', { backchannel_logout_uri: listener.url, backchannel_logout_session_required: true });
      const guest = new GuestAgent();
      const { rp, tokens } = await signInWithCode(guest, payroll, 'adele@fabrikam.example', smtp);
      const idToken = tokens.claims()!;
      // A client that needs sid gets it in every ID token, so it can match the logout token to a session.
      expect(idToken.sid).toEqual(expect.any(String));

      const done = await signOut(guest, rp, tokens.id_token!);
      expect(done.status).toBe(200);
      expect(textOf(done.html)).toContain('You are signed out of Contoso.');

      expect(listener.posts).toHaveLength(1);
      const [post] = listener.posts;
      expect(post).toMatchObject({ method: 'POST', contentType: 'application/x-www-form-urlencoded' });
      const jwks = createRemoteJWKSet(new URL(rp.config.serverMetadata().jwks_uri!));
      const { payload, protectedHeader } = await jwtVerify(post!.form.get('logout_token')!, jwks, {
        issuer, audience: payroll.app.client_id, typ: 'logout+jwt', algorithms: ['RS256'],
      });
      expect(protectedHeader.alg).toBe('RS256');
      expect(payload).toMatchObject({ sub: idToken.sub, sid: idToken.sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, jti: expect.any(String), iat: expect.any(Number) });
      // Back-Channel Logout 1.0 section 2.4: a logout token never carries a nonce.
      expect(payload).not.toHaveProperty('nonce');
      expect(await stillSignedIn(guest, payroll)).toBe(false);
    });

    test('without backchannel_logout_session_required: no sid in the ID token, and the logout token names the guest by sub alone', async () => {
      const expenses = await registerApp(idp.admin, issuer, 'expenses', { backchannel_logout_uri: listener.url, id_token_signed_response_alg: 'ES256' });
      const guest = new GuestAgent();
      const { rp, tokens } = await signInWithCode(guest, expenses, 'lee@fabrikam.example', smtp);
      const idToken = tokens.claims()!;
      expect(idToken).not.toHaveProperty('sid');

      await signOut(guest, rp, tokens.id_token!);

      expect(listener.posts).toHaveLength(1);
      const jwks = createRemoteJWKSet(new URL(rp.config.serverMetadata().jwks_uri!));
      // Signed like the client's ID tokens.
      const { payload } = await jwtVerify(listener.posts[0]!.form.get('logout_token')!, jwks, {
        issuer, audience: expenses.app.client_id, typ: 'logout+jwt', algorithms: ['ES256'],
      });
      expect(payload.sub).toBe(idToken.sub);
      expect(payload).not.toHaveProperty('sid');
    });

    test('only apps of the guest’s session that registered a URI get a logout token', async () => {
      const travel = await registerApp(idp.admin, issuer, 'travel', { backchannel_logout_uri: listener.url, backchannel_logout_session_required: true });
      const wiki = await registerApp(idp.admin, issuer, 'wiki');

      // Signed in to the wiki alone (no URI registered): nobody is told.
      const first = new GuestAgent();
      const atWiki = await signInWithCode(first, wiki, 'nestor@fabrikam.example', smtp);
      const signedOut = await signOut(first, atWiki.rp, atWiki.tokens.id_token!);
      expect(textOf(signedOut.html)).toContain('You are signed out of Contoso.');
      expect(listener.connections).toBe(0);

      // Signed in to both in one browser: one sign-out, one logout token, for travel only.
      const second = new GuestAgent();
      const atTravel = await signInWithCode(second, travel, 'nestor@fabrikam.example', smtp);
      const wikiRp = await RelyingParty.discover(wiki.issuer, wiki.app, wiki.redirectUri);
      const back = await second.follow(await wikiRp.authorizationUrl(), wikiRp.isCallback);
      const wikiTokens = await wikiRp.redeemCallback(back.location!);
      await signOut(second, wikiRp, wikiTokens.id_token!);

      expect(listener.posts).toHaveLength(1);
      const jwks = createRemoteJWKSet(new URL(wikiRp.config.serverMetadata().jwks_uri!));
      const { payload } = await jwtVerify(listener.posts[0]!.form.get('logout_token')!, jwks, { issuer, audience: travel.app.client_id, typ: 'logout+jwt' });
      expect(payload.sid).toBe(atTravel.tokens.claims()!.sid);
      expect(await stillSignedIn(second, travel)).toBe(false);
    });

    test('on “Stay signed in” only the app that asked is told, and the guest stays signed in to the others', async () => {
      const other = await startLogoutListener();
      try {
        const asking = await registerApp(idp.admin, issuer, 'asking', { backchannel_logout_uri: listener.url });
        const staying = await registerApp(idp.admin, issuer, 'staying', { backchannel_logout_uri: other.url });
        const guest = new GuestAgent();
        const atStaying = await signInWithCode(guest, staying, 'lee@fabrikam.example', smtp);
        const askingRp = await RelyingParty.discover(asking.issuer, asking.app, asking.redirectUri);
        const back = await guest.follow(await askingRp.authorizationUrl(), askingRp.isCallback);
        const askingTokens = await askingRp.redeemCallback(back.location!);

        const confirmation = await guest.follow(oidc.buildEndSessionUrl(askingRp.config, { id_token_hint: askingTokens.id_token! }).href);
        await guest.submit(confirmation, '/session/end/confirm');

        expect(listener.posts).toHaveLength(1);
        const jwks = createRemoteJWKSet(new URL(askingRp.config.serverMetadata().jwks_uri!));
        const { payload } = await jwtVerify(listener.posts[0]!.form.get('logout_token')!, jwks, { issuer, audience: asking.app.client_id, typ: 'logout+jwt' });
        expect(payload.sub).toBe(atStaying.tokens.claims()!.sub);
        expect(other.connections).toBe(0);
        expect(await stillSignedIn(guest, staying)).toBe(true);
      } finally {
        await other.close();
      }
    });

    test('an app that cannot be reached does not stop the guest’s sign-out', async () => {
      const closedPort = await freePort();
      const down = await registerApp(idp.admin, issuer, 'down', { backchannel_logout_uri: `http://127.0.0.1:${closedPort}/logout` });
      const guest = new GuestAgent();
      const { rp, tokens } = await signInWithCode(guest, down, 'adele@fabrikam.example', smtp);

      const done = await signOut(guest, rp, tokens.id_token!);

      expect(done.status).toBe(200);
      expect(textOf(done.html)).toContain('You have signed out');
      expect(await stillSignedIn(guest, down)).toBe(false);
      recordFinding({
        kind: 'fault', name: 'Back-channel logout endpoint down',
        tried: 'a guest signed out of an app whose registered backchannel_logout_uri is a closed port',
        times: 1,
        result: 'the guest saw "You have signed out" (200) and the session was gone; the failed delivery is only logged',
      });
    });
  });
});

describe('in production mode without ALLOW_PRIVATE_UPSTREAMS (the real process)', () => {
  let smtp: SmtpListener;
  let product: ProductProcess;
  let listener: LogoutListener;

  beforeAll(async () => {
    smtp = await startSmtpListener();
    listener = await startLogoutListener();
    const env = productionEnv({ SMTP_URL: smtp.url });
    delete env.ALLOW_PRIVATE_UPSTREAMS;
    product = await startProductProcess(env);
  });

  afterAll(async () => {
    await product.stop();
    await listener.close();
    await smtp.close();
  });

  test('a back-channel URI on a private address is refused before connecting and logged; the guest is signed out', async () => {
    const admin = (method: string, path: string, body?: unknown) => adminCall(product.url, method, path, body);
    expect((await admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
    expect((await admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: 'adele@fabrikam.example', inviteRedirectUrl: 'https://apps.example/' })).status).toBe(201);
    const payroll = await registerApp(admin, `${product.url}/contoso/v2.0`, 'payroll', { backchannel_logout_uri: listener.url, backchannel_logout_session_required: true });
    const guest = new GuestAgent();
    const { rp, tokens } = await signInWithCode(guest, payroll, 'adele@fabrikam.example', smtp);

    // The sign-out, posted by hand to read the request id the answer carries.
    const confirmation = await guest.follow(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token! }).href);
    const form = formsOf(confirmation.html).find((candidate) => candidate.action.endsWith('/session/end/confirm'))!;
    const confirmUrl = new URL(form.action, confirmation.url).href;
    const confirmed = await fetch(confirmUrl, {
      method: 'POST', redirect: 'manual',
      headers: { accept: 'text/html', cookie: await guest.jar.getCookieString(confirmUrl), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, logout: 'yes' }),
    });
    for (const cookie of confirmed.headers.getSetCookie()) await guest.jar.setCookie(cookie, confirmUrl);
    const requestId = confirmed.headers.get('x-request-id');
    const done = await guest.follow(new URL(confirmed.headers.get('location')!, confirmUrl).href);
    expect(textOf(done.html)).toContain('You are signed out of Contoso.');

    const line = await product.waitForLog((entry) => entry.msg === 'back-channel logout not delivered');
    expect(line).toMatchObject({
      level: 40, tenant: 'contoso', clientId: payroll.app.client_id, requestId,
      failure: { cause: 'refusedAddress', address: '127.0.0.1', addressUse: 'loopback' },
    });
    expect(listener.connections).toBe(0);
    expect(await stillSignedIn(guest, payroll)).toBe(false);
    expect(JSON.stringify(product.logs)).not.toContain(tokens.id_token!);
    expect(JSON.stringify(product.logs)).not.toContain(tokens.claims()!.sid as string);
    recordFinding({
      kind: 'attack', name: 'SSRF through back-channel logout',
      tried: 'an app registered a backchannel_logout_uri on a live loopback listener and a guest signed out of it, with ALLOW_PRIVATE_UPSTREAMS unset in production',
      times: 1,
      result: `the delivery was refused before connecting (${listener.connections} connections) and logged as refusedAddress with the request id; the guest was signed out`,
    });
  });
});
