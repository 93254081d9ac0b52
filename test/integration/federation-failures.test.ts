import { Redis } from 'ioredis';

import { type GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import { requireRedisUrl, type RunningIdp } from '../support/idp.ts';
import { PARTNER_CLIENT, type PartnerFederation, startPartnerFederation } from '../support/partner-federation.ts';
import type { UpstreamIdp, UpstreamTamper } from '../support/upstream-idp.ts';

/**
 * When the upstream leg goes wrong: the guest ends on a clear error page with a way to try again
 * and the request id to quote, nothing is redeemed, and the log has one line with that request id
 * saying why (a classified cause), without the code, tokens, secret or address.
 */

let federation: PartnerFederation;
let idp: RunningIdp;
let upstream: UpstreamIdp;
let logged: PartnerFederation['logged'];

/** Submits the upstream's form without following past our federation callback. */
async function backFromUpstream(guest: GuestAgent, page: GuestPage, account: string): Promise<string> {
  const answer = await guest.submit(page, '', { account }, (url) => url.includes('/federation/callback'));
  expect(answer.location).toMatch(/\/contoso\/v2\.0\/federation\/callback\?/);
  return answer.location!;
}

/** The one line the failed leg logged, found by the request id the guest's page shows. */
function causeLogged(page: GuestPage): Record<string, unknown> {
  expect(page.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(textOf(page.html)).toContain(`Reference: ${page.requestId}`);
  const lines = logged.lines.filter((line) => line.requestId === page.requestId && line.msg === 'upstream sign-in failed');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/** Nothing logged for the request holds the code, a token the upstream issued, the client secret or the address. */
function expectNothingSecretLogged(page: GuestPage, secrets: string[]) {
  const text = JSON.stringify(logged.lines.filter((line) => line.requestId === page.requestId));
  for (const secret of [...secrets, ...upstream.issuedTokens, PARTNER_CLIENT.client_secret]) expect(text).not.toContain(secret);
}

/** The error page offers a retry that starts the upstream leg again. */
function expectRetry(page: GuestPage) {
  expect(page.html).toMatch(/href="\/contoso\/v2\.0\/interaction\/[^"]+\/federate"/);
}

beforeAll(async () => {
  federation = await startPartnerFederation();
  ({ idp, upstream, logged } = federation);
});

afterAll(() => federation.close());

afterEach(() => upstream.resetTamper());

test('an error response (the guest cancels upstream) ends on a page that says so, with a retry', async () => {
  const { guest, page, email } = await federation.atUpstream();
  const end = await guest.follow(await backFromUpstream(guest, page, '__cancel'));
  expect(end.status).toBe(400);
  expect(textOf(end.html)).toContain('Signing in at Partner IdP didn’t finish');
  expect(textOf(end.html)).toContain('access was denied, or the sign-in was cancelled');
  expectRetry(end);
  await federation.expectNothingRedeemed(email);
  // A guest's own cancel is no operator's problem: info, not warn.
  expect(causeLogged(end)).toMatchObject({ level: 30, tenant: 'contoso', issuer: upstream.issuer, cause: 'authorizationError', oauthError: 'access_denied', oauthErrorDescription: 'The user cancelled.' });

  // The retry goes back upstream, and can succeed.
  const retry = await guest.follow(new URL(/href="([^"]+\/federate)"/.exec(end.html)![1]!, idp.baseUrl).href);
  expect(retry.url.startsWith(upstream.issuer)).toBe(true);
});

test('an ID token with a bad signature is refused', async () => {
  const { guest, page, email, sub } = await federation.atUpstream();
  upstream.tamper.idTokenSignature = true;
  const end = await guest.follow(await backFromUpstream(guest, page, sub));
  expect(end.status).toBe(502);
  expect(textOf(end.html)).toContain('We couldn’t verify the answer from Partner IdP');
  expectRetry(end);
  await federation.expectNothingRedeemed(email);
  expect(causeLogged(end)).toMatchObject({ level: 40, cause: 'idTokenSignature', detail: expect.stringContaining('JWT signature verification failed') });
});

test('an ID token with the wrong nonce is refused', async () => {
  upstream.tamper.nonce = true;
  const { guest, page, email, sub } = await federation.atUpstream();
  const end = await guest.follow(await backFromUpstream(guest, page, sub));
  expect(end.status).toBe(502);
  expect(textOf(end.html)).toContain('We couldn’t verify the answer from Partner IdP');
  await federation.expectNothingRedeemed(email);
  expect(causeLogged(end)).toMatchObject({ level: 40, cause: 'idTokenNonce' });
});

describe('a misbehaving upstream: the page shows the request id, the log line with it has the cause', () => {
  const cases: Array<{ name: string; tamper: Partial<UpstreamTamper>; cause: string; detail: string }> = [
    { name: 'an ID token with sub null (a misconfigured provider)', tamper: { idTokenClaims: { sub: null } }, cause: 'idTokenClaims', detail: 'unexpected JWT "sub" (subject) claim type' },
    { name: 'an ID token for another audience', tamper: { idTokenClaims: { aud: 'another-client' } }, cause: 'idTokenAudience', detail: 'unexpected JWT "aud" (audience) claim value' },
    { name: 'an ID token of another issuer', tamper: { idTokenClaims: { iss: 'https://elsewhere.example' } }, cause: 'idTokenIssuer', detail: 'unexpected JWT "iss" (issuer) claim value' },
    { name: 'an expired ID token', tamper: { idTokenClaims: { exp: 1_000_000_000 } }, cause: 'idTokenExpired', detail: 'expiration is past current timestamp' },
  ];
  test.each(cases)('$name: 502, cause $cause', async ({ tamper, cause, detail }) => {
    const { guest, page, email, sub } = await federation.atUpstream();
    Object.assign(upstream.tamper, tamper);
    const callback = await backFromUpstream(guest, page, sub);
    const end = await guest.follow(callback);
    expect(end.status).toBe(502);
    expect(textOf(end.html)).toContain('We couldn’t verify the answer from Partner IdP');
    expect(causeLogged(end)).toMatchObject({
      level: 40, tenant: 'contoso', issuer: upstream.issuer, kind: 'invalidResponse', cause, detail: expect.stringContaining(detail),
    });
    expectNothingSecretLogged(end, [new URL(callback).searchParams.get('code')!, email]);
    await federation.expectNothingRedeemed(email);
  });

  test('the token endpoint answering invalid_grant: 502 naming the error; the log has error and description, the address in it cut to its domain', async () => {
    const { guest, page, email, sub } = await federation.atUpstream();
    upstream.tamper.tokenAnswer = { status: 400, body: { error: 'invalid_grant', error_description: `grant of ${email} expired\n${'x'.repeat(400)}` } };
    const callback = await backFromUpstream(guest, page, sub);
    const end = await guest.follow(callback);
    expect(end.status).toBe(502);
    expect(textOf(end.html)).toContain('Signing in at Partner IdP didn’t finish');
    expect(textOf(end.html)).toContain('Partner IdP answered with an error (invalid_grant).');
    expectRetry(end);
    const line = causeLogged(end);
    expect(line).toMatchObject({
      level: 40, tenant: 'contoso', issuer: upstream.issuer, kind: 'refused', cause: 'tokenEndpointError', httpStatus: 400, oauthError: 'invalid_grant',
      oauthErrorDescription: expect.stringMatching(/^grant of …@partner\.example expired x+…$/),
    });
    expect((line.oauthErrorDescription as string).length).toBeLessThanOrEqual(200);
    expectNothingSecretLogged(end, [new URL(callback).searchParams.get('code')!, email]);
    await federation.expectNothingRedeemed(email);
  });

  test.each([
    { answer: { status: 500, body: '<html><body>access_token=leaked-in-an-html-page</body></html>' }, logged: { httpStatus: 500, detail: 'unexpected HTTP response status code' } },
    { answer: { status: 200, body: '<x access_token=leaked-in-a-body-that-is-not-json>' }, logged: { httpStatus: 200, detail: 'unexpected response content-type' } },
    { answer: { status: 200, type: 'application/json', body: '{"access_token":"leaked-in-broken-json' }, logged: { detail: 'parsing error occured <- failed to parse "response" body as JSON <- SyntaxError (the body is not JSON)' } },
  ])('a token endpoint answering $answer.status with no token response: 502, cause tokenResponseInvalid, no body in the log', async ({ answer, logged: expected }) => {
    const { guest, page, email, sub } = await federation.atUpstream();
    upstream.tamper.tokenAnswer = answer;
    const end = await guest.follow(await backFromUpstream(guest, page, sub));
    expect(end.status).toBe(502);
    expect(textOf(end.html)).toContain('We couldn’t verify the answer from Partner IdP');
    expect(causeLogged(end)).toMatchObject({ level: 40, cause: 'tokenResponseInvalid', ...expected });
    expectNothingSecretLogged(end, ['leaked-in']);
    await federation.expectNothingRedeemed(email);
  });
});

test('an expired state (the guest took too long upstream) is refused', async () => {
  const { guest, page, email, sub } = await federation.atUpstream();
  const callback = await backFromUpstream(guest, page, sub);
  // The state record expiring is what "too long" means; remove it rather than wait out its TTL.
  const redis = new Redis(requireRedisUrl());
  try {
    const state = new URL(callback).searchParams.get('state')!;
    expect(await redis.del(idp.keys.federation('contoso', state))).toBe(1);
  } finally {
    redis.disconnect();
  }
  const end = await guest.follow(callback);
  expect(end.status).toBe(400);
  expect(textOf(end.html)).toContain('This sign-in took too long');
  await federation.expectNothingRedeemed(email);
});

test('an upstream answer cannot be used twice', async () => {
  const { guest, page, sub, rp } = await federation.atUpstream();
  const callback = await backFromUpstream(guest, page, sub);
  const first = await guest.follow(callback, rp.isCallback);
  expect(rp.isCallback(first.location!)).toBe(true);
  const replay = await guest.follow(callback, rp.isCallback);
  expect(replay.status).toBe(400);
  expect(textOf(replay.html)).toContain('This sign-in took too long');
});

test('an answer for another sign-in attempt is refused', async () => {
  const one = await federation.atUpstream();
  const callback = await backFromUpstream(one.guest, one.page, one.sub);
  const other = await federation.atUpstream();
  // The other guest's browser (its own interaction cookie) receives the first guest's answer.
  const end = await other.guest.follow(callback, other.rp.isCallback);
  expect(other.rp.isCallback(end.location ?? '')).toBe(false);
  expect(end.status).toBe(400);
  await federation.expectNothingRedeemed(one.email);
});

test('an upstream that stops answering gets a "couldn’t reach" page; nothing crashes', async () => {
  const { guest, page, email, sub } = await federation.atUpstream();
  const callback = await backFromUpstream(guest, page, sub);
  await upstream.stop();
  const end = await guest.follow(callback);
  expect(end.status).toBe(503);
  expect(textOf(end.html)).toContain('We couldn’t reach Partner IdP');
  expectRetry(end);
  await federation.expectNothingRedeemed(email);
  expect(causeLogged(end)).toMatchObject({ level: 40, cause: 'unreachable', kind: 'unreachable', failure: { cause: 'unreachable', errorCode: 'ECONNREFUSED' } });
  expect((await fetch(`${idp.baseUrl}/healthz`)).status).toBe(200);
});
