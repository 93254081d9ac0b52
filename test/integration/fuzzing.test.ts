import { request as httpRequest } from 'node:http';

import fc from 'fast-check';

import { recordFinding } from '../support/findings.ts';
import { formsOf, GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { inviteGuest, startSignIn, tenantWithApp, uidOf } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';
import { startUpstreamIdp, type UpstreamIdp } from '../support/upstream-idp.ts';

/**
 * Property-based fuzzing (fast-check) of the three surfaces an outsider can throw anything at: admin
 * API bodies, the interaction's form posts and tenant paths. For every case: never a 5xx, the
 * process still answers /healthz, and a refused request (4xx) left the store exactly as it was.
 * Runs are bounded and seeded: a failure prints the seed and the smallest case found, to replay
 * with FUZZ_SEED (and FUZZ_RUNS for a longer hunt).
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
/** Cases per property are RUNS * 2; FUZZ_RUNS raises it for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 75);
const PROPERTY_TIMEOUT = Math.max(120_000, RUNS * 2 * 1000);

let smtp: SmtpListener;
let idp: RunningIdp;
let partner: UpstreamIdp;

beforeAll(async () => {
  smtp = await startSmtpListener();
  partner = await startUpstreamIdp('Partner IdP');
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  await tenantWithApp(idp, 'contoso', ['contoso.example']);
  await partner.registerClient({ client_id: 'contoso', client_secret: 'contoso-at-partner-0123456789', redirect_uris: [`${idp.baseUrl}/contoso/v2.0/federation/callback`] });
});

afterAll(async () => {
  await idp?.close();
  await partner?.close();
  await smtp?.close();
});

interface Answer { status: number; body: string }

/** One raw HTTP request: the path is sent exactly as given (no URL normalization), as an attacker would. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  const url = new URL(idp.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The invariant of every case: no 5xx, still alive, and a refusal wrote nothing. */
async function expectSafe(answer: Answer, before: Record<string, unknown>, what: string): Promise<void> {
  if (answer.status >= 500) throw new Error(`${what} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  if ((await send('GET', '/healthz')).status !== 200) throw new Error(`${what}: /healthz no longer answers`);
  if (answer.status >= 400) expect(await snapshotNamespace(idp.namespace)).toEqual(before);
}

/** Strings that break naive code: controls, bidi, quotes, huge, prototype names, encodings. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '__proto__', 'constructor', 'toString', '\u0000', '\r\n', '\u202E', '%', '%zz', '"\'<>&', 'javascript:alert(1)', 'null', '[]', '{}'),
  fc.string({ minLength: 300, maxLength: 5000 }),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyString);
/** A field that is usually of the right kind, sometimes anything at all. */
/** Mostly `usual`, sometimes `unusual`. */
const mostly = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>) => fc.oneof({ arbitrary: usual, weight: 4 }, { arbitrary: unusual, weight: 1 });

/** One small change that may make a valid body invalid: a field dropped, replaced by anything, or one added. */
type Mutation = { kind: 'drop'; pick: number } | { kind: 'replace'; pick: number; value: unknown } | { kind: 'add'; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: anyJson }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'id', 'extra', 'revision', 'createdDateTime'), fc.string({ maxLength: 10 })), value: anyJson }),
);
function mutate(body: Record<string, unknown>, mutations: Mutation[]): Record<string, unknown> {
  const result = { ...body };
  for (const change of mutations) {
    const keys = Object.keys(result);
    if (change.kind === 'add') Object.defineProperty(result, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
    else if (keys.length === 0) continue;
    else if (change.kind === 'drop') delete result[keys[change.pick % keys.length] as string];
    else result[keys[change.pick % keys.length] as string] = change.value;
  }
  return result;
}
/** Valid bodies, and valid bodies with up to two small changes: what a careless or hostile client sends. */
const nearValid = (valid: fc.Arbitrary<Record<string, unknown>>) => fc.tuple(valid, fc.array(mutation, { maxLength: 2 })).map(([body, changes]) => mutate(body, changes));

const tenantId = fc.stringMatching(/^[a-z][a-z0-9]{2,20}$/);
const displayName = mostly(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme-ascii' }).filter((name) => name.trim() !== ''), fc.string({ minLength: 1, maxLength: 40 }));
const domain = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.constantFrom('example', 'test', 'com')).map(([label, top]) => `${label}.${top}`);
const url = fc.constantFrom('https://app.example/cb', 'http://localhost/cb', 'http://127.0.0.1:8080/cb', 'https://app.example/a?b=c');
const email = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), domain).map(([local, host]) => `${local}@${host}`);

/** Each writing route of the admin API, with near-valid bodies (after beforeAll: it needs the upstream). */
const adminRoutes = (): { method: string; path: string; body: fc.Arbitrary<Record<string, unknown>> }[] => [
  { method: 'POST', path: '/admin/tenants', body: nearValid(fc.record({ id: tenantId, displayName, verifiedDomains: fc.array(domain, { maxLength: 3 }) }, { requiredKeys: ['displayName'] })) },
  { method: 'PATCH', path: '/admin/tenants/contoso', body: nearValid(fc.record({ displayName, verifiedDomains: fc.array(domain, { maxLength: 3 }) }, { requiredKeys: [] })) },
  {
    method: 'POST', path: '/admin/tenants/contoso/clients',
    body: nearValid(fc.record({
      client_name: displayName, redirect_uris: fc.array(url, { minLength: 1, maxLength: 3 }), post_logout_redirect_uris: fc.array(url, { maxLength: 2 }),
      grant_types: fc.constantFrom(['authorization_code'], ['authorization_code', 'refresh_token'], ['client_credentials']),
      token_endpoint_auth_method: fc.constantFrom('client_secret_basic', 'client_secret_post'),
    }, { requiredKeys: ['client_name', 'redirect_uris'] })),
  },
  {
    method: 'POST', path: '/admin/tenants/contoso/invitations',
    body: nearValid(fc.record({
      // No invitation mails: a mail sent in the background would change the store between a case's two snapshots.
      invitedUserEmailAddress: email, inviteRedirectUrl: url, invitedUserDisplayName: displayName, resetRedemption: fc.boolean(),
    }, { requiredKeys: ['invitedUserEmailAddress', 'inviteRedirectUrl'] })),
  },
  { method: 'POST', path: '/admin/tenants/contoso/users', body: nearValid(fc.record({ mail: email, displayName }, { requiredKeys: ['mail'] })) },
  { method: 'PATCH', path: '/admin/tenants/contoso/policies/emailOtp', body: nearValid(fc.record({ state: fc.constantFrom('default', 'enabled', 'disabled') })) },
  {
    method: 'PATCH', path: '/admin/tenants/contoso/policies/invitationRedemption',
    body: nearValid(fc.record({
      primaryIdentityProviderPrecedenceOrder: fc.shuffledSubarray(['azureActiveDirectory', 'externalFederation', 'socialIdentityProviders'], { minLength: 3, maxLength: 3 }),
      fallbackIdentityProvider: fc.constantFrom('defaultConfiguredIdp', 'emailOneTimePasscode', 'microsoftAccount'),
    }, { requiredKeys: [] })),
  },
  {
    // Never type google: its issuer is on the internet. The oidc issuers are loopback.
    method: 'PUT', path: '/admin/tenants/contoso/identityProviders/fuzz',
    body: nearValid(fc.record({
      type: fc.constant('oidc'), displayName, issuer: fc.constantFrom(partner.issuer, partner.issuer, 'http://127.0.0.1:1/none'),
      clientId: fc.constant('contoso'), clientSecret: fc.constant('contoso-at-partner-0123456789'), domains: fc.array(domain, { minLength: 1, maxLength: 3 }),
    })).map((body) => (body.type === 'google' ? { ...body, type: 'oidc' } : body)),
  },
];

// Paths and forms first, while the namespace is small (each case snapshots all of it); admin writes last.
test('tenant paths: random segments, percent-encodings, domain spellings and very long segments never give a 5xx, and a refusal writes nothing', async () => {
  const tenantSegment = fc.oneof(
    { arbitrary: fc.constantFrom('contoso', 'contoso.example', 'CONTOSO.EXAMPLE', 'Contoso', 'contoso.example.', '%63ontoso', 'contoso%2Eexample', 'xn--cntoso-3ya.example'), weight: 6 },
    fc.constantFrom('common', 'consumers', 'organizations', '.', '..', '%', '%zz', '%00', '%2F', '%E0%A4%A', 'admin', 'static'),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.stringMatching(/^[a-z0-9.%-]{1,40}$/),
    fc.string({ minLength: 1000, maxLength: 6000 }).map(encodeURIComponent).map((segment) => segment.slice(0, 6000)),
  );
  const rest = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('', '/', '/.well-known/openid-configuration', '/jwks', '/auth', '/token', '/me', '/session/end', '/interaction/x', '/interaction/%zz/identify',
      '/redeem', '/redeem/complete', '/federation/callback', '/request', '/token/introspection', '/token/revocation', '/auth/%', '/..%2F..%2Fadmin') },
    fc.array(fc.oneof(fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.constantFrom('..', '.', '%', '%2e%2e', '%ff', '~', ';x=1')), { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
  );
  const query = fc.oneof(fc.constant(''), fc.dictionary(fc.constantFrom('client_id', 'response_type', 'redirect_uri', 'scope', 'ticket', 'state', 'x'), fc.string({ maxLength: 20 }), { maxKeys: 4 }).map((params) => `?${new URLSearchParams(params)}`), fc.constantFrom('?%', '?a=%zz', '?&&=='));
  const requestArb = fc.record({
    method: mostly(fc.constantFrom('GET', 'POST'), fc.constantFrom('HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH')),
    prefix: mostly(fc.constant(''), fc.constant('/.well-known/oauth-authorization-server')),
    tenant: tenantSegment, version: mostly(fc.constant('/v2.0'), fc.constantFrom('/V2.0', '/v1.0', '', '/v2.0/')), rest, query,
    accept: fc.constantFrom('text/html', 'application/json', '*/*'),
  });
  const statuses = new Map<number, number>();
  let cases = 0;
  await fc.assert(fc.asyncProperty(requestArb, async ({ method, prefix, tenant, version, rest: tail, query: search, accept }) => {
    const path = `${prefix}/${tenant}${version}${tail}${search}`;
    const before = await snapshotNamespace(idp.namespace);
    const answer = await send(method, path, { accept, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, method === 'POST' ? 'a=b' : undefined);
    cases += 1;
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    await expectSafe(answer, before, `${method} ${path.slice(0, 300)}`);
  }), { numRuns: RUNS * 2, seed: SEED });
  recordFinding({
    kind: 'attack',
    name: 'Fuzzing: tenant paths',
    tried: `fast-check (seed ${SEED}): random tenant segments (ids, verified-domain spellings, percent-encodings, broken escapes, segments up to 6000 characters) and paths under /{tenant}/v2.0/ with random methods and queries`,
    times: cases,
    result: `no 5xx (answers: ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(', ')}); /healthz answered after every case; the store was unchanged after every refusal`,
  });
}, PROPERTY_TIMEOUT);

test('interaction forms: random fields and values, with and without the CSRF token, never give a 5xx, and a refusal writes nothing', async () => {
  await inviteGuest(idp, 'contoso', 'fuzz.guest@fabrikam.example');
  const guest = new GuestAgent();
  const { page } = await startSignIn(guest, { tenantId: 'contoso', issuer: `${idp.baseUrl}/contoso/v2.0`, ...(await fixtureApp()) }, 'fuzz.guest@fabrikam.example');
  const interaction = `/contoso/v2.0/interaction/${uidOf(page)}`;
  const cookie = await guest.jar.getCookieString(page.url);
  const csrf = formsOf(page.html)[0]?.fields._csrf as string;
  expect(csrf).toBeTruthy();

  const field = fc.oneof(fc.constantFrom('_csrf', 'email', 'code', '__proto__', 'constructor', '_csrf[]', 'email[a]', 'a[b][c][d]', 'x'), fc.string({ maxLength: 12 }));
  const fields = fc.dictionary(field, fc.oneof(nastyString, fc.array(fc.string(), { maxLength: 3 }).map((list) => list.join(','))), { maxKeys: 5 });
  const form = fc.oneof(
    // Without a valid token: every action must be refused.
    fc.record({ action: fc.constantFrom('/identify', '/send', '/verify', '/change-address', '/cancel', '/nothing'), fields, token: fc.constant(false) }),
    // With the token: the actions that change nothing but the address typed.
    fc.record({ action: fc.constantFrom('/identify', '/change-address'), fields, token: fc.constant(true) }),
  );
  const raw = fc.record({
    action: fc.constantFrom('/identify', '/send', '/verify', '/cancel'),
    type: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=x', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-16'),
    // Bodies either side of the 16 KiB form limit too (as a size, so a counterexample prints short).
    body: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 15_000, max: 40_000 }).map((size) => ({ emailOfLength: size }))),
  });
  let cases = 0;
  let refusals = 0;
  await fc.assert(fc.asyncProperty(fc.oneof(form.map((f) => ({ kind: 'form' as const, ...f })), raw.map((r) => ({ kind: 'raw' as const, ...r }))), async (input) => {
    const before = await snapshotNamespace(idp.namespace);
    let answer: Answer;
    if (input.kind === 'form') {
      const params = new URLSearchParams(input.fields);
      if (input.token) params.set('_csrf', csrf);
      else if (params.get('_csrf') === csrf) params.delete('_csrf');
      answer = await send('POST', `${interaction}${input.action}`, { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, params.toString());
      if (!input.token && answer.status !== 404 && answer.status !== 403) throw new Error(`a form without the token got ${answer.status}`);
    } else {
      const body = typeof input.body === 'string' ? input.body : `_csrf=x&email=${'x'.repeat(input.body.emailOfLength)}`;
      answer = await send('POST', `${interaction}${input.action}`, { cookie, accept: 'text/html', 'content-type': input.type }, body);
    }
    cases += 1;
    if (answer.status >= 400) refusals += 1;
    await expectSafe(answer, before, `${JSON.stringify(input).slice(0, 300)}`);
  }), { numRuns: RUNS * 2, seed: SEED });
  // The attempt is still usable: the guest can still go on.
  expect((await guest.follow(page.url)).status).toBeLessThan(500);
  recordFinding({
    kind: 'attack',
    name: 'Fuzzing: interaction form posts',
    tried: `fast-check (seed ${SEED}): random fields and values (prototype names, nested keys, controls, bidi, huge values) posted to the sign-in actions with and without the CSRF token, and raw bodies of random content types`,
    times: cases,
    result: `no 5xx; every post without the token refused (403); ${refusals} refusals, each leaving the store unchanged; /healthz answered after every case`,
  });
}, PROPERTY_TIMEOUT);

test('admin API: random JSON and near-valid bodies on every writing route never give a 5xx, and a refusal writes nothing', async () => {
  const routes = adminRoutes();
  const bodyArb = fc.constantFrom(...routes.map((_, index) => index)).chain((index) => fc.tuple(
    fc.constant(index),
    fc.oneof({ arbitrary: (routes[index] as (typeof routes)[number]).body as fc.Arbitrary<unknown>, weight: 3 }, { arbitrary: anyJson, weight: 1 }),
  ));
  const statuses = new Map<number, number>();
  let cases = 0;
  await fc.assert(fc.asyncProperty(bodyArb, async ([index, body]) => {
    const route = routes[index] as (typeof routes)[number];
    const before = await snapshotNamespace(idp.namespace);
    const answer = await send(route.method, route.path, { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, JSON.stringify(body));
    cases += 1;
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    await expectSafe(answer, before, `${route.method} ${route.path} ${JSON.stringify(body).slice(0, 200)}`);
  }), { numRuns: RUNS * 2, seed: SEED });
  recordFinding({
    kind: 'attack',
    name: 'Fuzzing: admin API bodies',
    tried: `fast-check (seed ${SEED}): random JSON values and near-valid objects against each of the ${routes.length} POST/PUT/PATCH routes`,
    times: cases,
    result: `no 5xx (answers: ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(', ')}); /healthz answered after every case; the store was unchanged after every refusal`,
  });
}, PROPERTY_TIMEOUT);

/** The contoso app made in beforeAll (a second, so the fixture is complete). */
async function fixtureApp() {
  const redirectUri = 'https://contoso-fuzz.example/callback';
  const app = await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'Fuzz app', redirect_uris: [redirectUri] });
  return { app: app.body, redirectUri };
}
