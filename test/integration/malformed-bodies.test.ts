import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';

import { pino } from 'pino';

import { createApp, type GuestIdp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { recordFinding } from '../support/findings.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { requireRedisUrl, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { uniqueNamespace } from '../support/namespace.ts';
import { inviteGuest, startSignIn, type SignInFixture, tenantWithApp, uidOf } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Bodies that are too large or malformed, at every route that takes a body (and some that take
 * none): each gets a 4xx (413 too large, 400 malformed, 415 wrong type, or the route's own 4xx),
 * never a 5xx, nothing is logged at error level, and the process goes on answering.
 */

interface LogLine { level: number; msg: string }

let smtp: SmtpListener;
let server: Server;
let idp: GuestIdp;
let store: RedisStore;
let baseUrl: string;
let fixture: SignInFixture;
const logLines: LogLine[] = [];

beforeAll(async () => {
  smtp = await startSmtpListener();
  server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const config = loadConfig({
    NODE_ENV: 'test', BASE_URL: baseUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN, SMTP_URL: smtp.url,
    COOKIE_KEYS: 'test-cookie-key-0123456789abcdefghij', KEY_ENCRYPTION_KEY: 'test-key-encryption-key-0123456789abcdef',
  });
  store = await RedisStore.connect({ url: requireRedisUrl() });
  // Every log line, to prove none of these requests is logged as an error.
  const sink = new Writable({ write(chunk, _encoding, done) { logLines.push(JSON.parse(String(chunk))); done(); } });
  idp = createApp({ config, store, log: pino({ level: 'info' }, sink), keyNamespace: uniqueNamespace() });
  server.on('request', idp.app.callback());
  fixture = await tenantWithApp(adminFacade(), 'contoso');
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await idp?.close();
  await store?.deleteByPrefix(`${idp.keys.namespace}:`).catch(() => undefined);
  await store?.close();
  await smtp?.close();
});

function adminFacade() {
  return {
    baseUrl,
    async admin(method: string, path: string, body?: unknown) {
      const response = await fetch(`${baseUrl}${path}`, {
        method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  } as never;
}

const ONE_MIB = 1024 * 1024;
const BODIES: { name: string; type: string; body: string; oversized?: true }[] = [
  { name: 'a 1 MiB form', type: 'application/x-www-form-urlencoded', body: `a=${'x'.repeat(ONE_MIB)}`, oversized: true },
  { name: 'a 1 MiB JSON document', type: 'application/json', body: JSON.stringify({ a: 'x'.repeat(ONE_MIB) }), oversized: true },
  { name: 'broken JSON', type: 'application/json', body: '{"displayName":' },
  { name: 'broken percent-encoding', type: 'application/x-www-form-urlencoded', body: 'a=%zz&b=%&%E0%A4%A&_csrf=%' },
  { name: 'a content type no route takes', type: 'text/plain', body: 'hello' },
];

test('oversized and malformed bodies get a 4xx at every route, never a 5xx, and nothing is logged as an error', async () => {
  const guest = new GuestAgent();
  await inviteGuest(adminFacade(), 'contoso', 'adele@fabrikam.example');
  const { page } = await startSignIn(guest, fixture, 'adele@fabrikam.example');
  const interaction = `/contoso/v2.0/interaction/${uidOf(page)}`;
  const cookie = await guest.jar.getCookieString(page.url);
  const basic = `Basic ${Buffer.from(`${fixture.app.client_id}:${fixture.app.client_secret}`).toString('base64')}`;

  // Our forms and JSON parse the body themselves: too large (of the type the route takes) is a 413 there.
  const routes: { path: string; headers?: Record<string, string>; takes?: string }[] = [
    ...['/identify', '/send', '/verify', '/change-address', '/cancel'].map((action) => ({ path: `${interaction}${action}`, headers: { cookie }, takes: 'application/x-www-form-urlencoded' })),
    { path: '/admin/tenants', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, takes: 'application/json' },
    { path: '/admin/tenants/contoso/invitations', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, takes: 'application/json' },
    { path: '/contoso/v2.0/redeem' },
    { path: '/contoso/v2.0/redeem/complete' },
    { path: '/contoso/v2.0/federation/callback' },
    { path: '/sign-in-to-organization' },
    // oidc-provider's own endpoints (it answers an unreadable body with 400 invalid_request).
    { path: '/contoso/v2.0/token', headers: { authorization: basic } },
    { path: '/contoso/v2.0/request', headers: { authorization: basic } },
    { path: '/contoso/v2.0/token/introspection', headers: { authorization: basic } },
    { path: '/contoso/v2.0/token/revocation', headers: { authorization: basic } },
    { path: '/contoso/v2.0/session/end' },
    { path: '/contoso/v2.0/session/end/confirm' },
  ];
  const answers: { route: string; body: string; accept: string; status: number }[] = [];
  for (const route of routes) {
    for (const { name, type, body, oversized } of BODIES) {
      for (const accept of ['text/html', 'application/json']) {
        const response = await fetch(`${baseUrl}${route.path}`, { method: 'POST', headers: { 'content-type': type, accept, ...route.headers }, body });
        const text = await response.text();
        answers.push({ route: route.path, body: name, accept, status: response.status });
        if (oversized && route.takes === type) {
          expect({ route: route.path, body: name, accept, status: response.status }).toEqual({ route: route.path, body: name, accept, status: 413 });
          if (accept === 'application/json' && !route.path.startsWith('/admin')) expect(JSON.parse(text)).toMatchObject({ error: 'request_too_large' });
          if (accept === 'text/html') expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
        }
      }
    }
  }
  const serverErrors = answers.filter(({ status }) => status < 400 || status >= 500);
  expect(serverErrors).toEqual([]);
  expect(logLines.filter((line) => line.level >= 50)).toEqual([]);
  // Still up, and the guest's sign-in still works after all of it.
  expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  const sent = await guest.submit(await guest.follow(page.url), '/send');
  expect(sent.status).toBe(200);
  expect(sent.html).toContain('Enter code');

  const statuses = [...new Set(answers.map(({ status }) => status))].sort();
  recordFinding({
    kind: 'attack',
    name: 'Oversized form bodies give 500',
    tried: `POSTed 1 MiB form and JSON bodies, broken JSON, broken percent-encoding and a text/plain body, as a browser and as a program, to ${routes.length} routes (interaction forms, admin API, redeem, federation callback, sign-in-to-organization, oidc-provider's token, PAR, introspection, revocation, end_session)`,
    times: answers.length,
    result: `every answer a 4xx (${statuses.join(', ')}): 413 for oversized bodies on our own forms and JSON, oidc-provider 400 invalid_request; 0 answers of 5xx, 0 error-level log lines, /healthz 200 and the sign-in went on afterwards`,
  });
});
