import { decodeJwt } from 'jose';

import { UpstreamConnector } from '../../src/federation/upstream-connector.ts';
import { createLogger } from '../../src/log.ts';
import { OutboundHttp } from '../../src/outbound/outbound-http.ts';
import { GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import type { RunningIdp } from '../support/idp.ts';
import { PARTNER_CLIENT, type PartnerFederation, startPartnerFederation } from '../support/partner-federation.ts';
import type { RelyingParty } from '../support/relying-party.ts';
import type { UpstreamIdp } from '../support/upstream-idp.ts';

/**
 * An upstream provider with OpenID Connect's default claims placement (oidc-provider's own
 * default, conformIdTokenClaims): when an access token is issued, email, email_verified and name
 * are in userinfo only, and the ID token says little more than who (sub). The federation leg asks
 * userinfo, for the signed-in subject only.
 */

let federation: PartnerFederation;
let idp: RunningIdp;
let upstream: UpstreamIdp;
let logged: PartnerFederation['logged'];

function chooseAccount(guest: GuestAgent, page: GuestPage, sub: string, rp: RelyingParty) {
  return guest.submit(page, '', { account: sub }, rp.isCallback);
}

beforeAll(async () => {
  federation = await startPartnerFederation({ conformIdTokenClaims: true });
  ({ idp, upstream, logged } = federation);
});

afterAll(() => federation.close());

afterEach(() => upstream.resetTamper());

test('the address only in userinfo: the guest signs in, redeems, and the app gets the upstream’s address and name', async () => {
  const { guest, rp, page, email, sub } = await federation.atUpstream({ name: 'Uma Userinfo' });
  const answersBefore = upstream.userinfoAnswers.length;
  const end = await chooseAccount(guest, page, sub, rp);
  expect(end.location && rp.isCallback(end.location)).toBe(true);

  // The upstream really kept the address out of its ID token, and userinfo was asked, once.
  const upstreamIdToken = decodeJwt(upstream.issuedTokens.find((token) => decodeJwt(token).sub === sub && 'nonce' in decodeJwt(token))!);
  expect(upstreamIdToken).not.toHaveProperty('email');
  expect(upstreamIdToken).not.toHaveProperty('email_verified');
  expect(upstream.userinfoAnswers.slice(answersBefore)).toEqual([expect.objectContaining({ sub, email, email_verified: true })]);

  const claims = (await rp.redeemCallback(end.location!)).claims()!;
  expect(claims).toMatchObject({ email, email_verified: true, name: 'Uma Userinfo', idp: upstream.issuer, tid: 'contoso' });
  expect(await idp.users.findByMail('contoso', email)).toMatchObject({
    externalUserState: 'Accepted', source: 'DirectFederation', displayName: 'Uma Userinfo',
    upstreamIdentity: { issuer: upstream.issuer, subject: sub, identityProviderId: 'partner' },
  });
});

test('userinfo about another subject than the ID token’s is refused: a clear page, the cause logged, nothing redeemed', async () => {
  const { guest, rp, page, email, sub } = await federation.atUpstream();
  upstream.tamper.userinfoSubject = 'partner-sub-of-someone-else';
  const end = await chooseAccount(guest, page, sub, rp);
  expect(rp.isCallback(end.location ?? '')).toBe(false);
  expect(end.status).toBe(502);
  expect(textOf(end.html)).toContain('We couldn’t verify the answer from Partner IdP');
  expect(textOf(end.html)).toContain(`Reference: ${end.requestId}`);
  expect(end.html).toMatch(/href="\/contoso\/v2\.0\/interaction\/[^"]+\/federate"/);
  // The userinfo answer did come, naming someone else.
  expect(upstream.userinfoAnswers.at(-1)).toMatchObject({ sub: 'partner-sub-of-someone-else', email });
  expect(logged.lines.filter((line) => line.requestId === end.requestId && line.msg === 'upstream sign-in failed')).toEqual([
    expect.objectContaining({ level: 40, tenant: 'contoso', issuer: upstream.issuer, cause: 'userinfoSubjectMismatch', kind: 'invalidResponse' }),
  ]);
  await federation.expectNothingRedeemed(email);
});

test('email_verified false in userinfo is refused as an unconfirmed address, as it is in an ID token', async () => {
  const { guest, rp, page, email, sub } = await federation.atUpstream({ email_verified: false });
  const end = await chooseAccount(guest, page, sub, rp);
  expect(rp.isCallback(end.location ?? '')).toBe(false);
  expect(end.status).toBe(403);
  expect(textOf(end.html)).toContain('Partner IdP hasn’t confirmed your address');
  expect(textOf(end.html)).toContain(`did not confirm that ${email} belongs to you`);
  expect(upstream.userinfoAnswers.at(-1)).toMatchObject({ sub, email, email_verified: false });
  await federation.expectNothingRedeemed(email);
});

test('every request of the leg, userinfo included, goes through the outbound client', async () => {
  // The connector as app.ts builds it, with the outbound client's fetch watched.
  const outbound = new OutboundHttp({ allowPrivate: true, ownOrigin: idp.baseUrl });
  const called: string[] = [];
  const watched = Object.assign(Object.create(outbound) as OutboundHttp, {
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      called.push(new URL(String(input)).pathname);
      return outbound.fetch(input, init);
    },
  });
  const connector = new UpstreamConnector(watched, createLogger('silent'));
  const client = { issuer: upstream.issuer, clientId: PARTNER_CLIENT.client_id, clientSecret: PARTNER_CLIENT.client_secret };
  const sub = 'partner-sub-watched';
  upstream.addAccount({ sub, email: 'watched@partner.example' });
  const checks = { state: 'state-0123456789', nonce: 'nonce-0123456789', codeVerifier: 'verifier-0123456789-0123456789-0123456789-0123' };
  const leg = { tenant: 'contoso', requestId: undefined };
  try {
    const redirectUri = `${idp.baseUrl}/contoso/v2.0/federation/callback`;
    const guest = new GuestAgent();
    const atUpstreamPage = await guest.follow(await connector.authorizationUrl(client, { redirectUri, ...checks, loginHint: 'watched@partner.example' }, leg));
    const back = await guest.submit(atUpstreamPage, '', { account: sub }, (url) => url.startsWith(redirectUri));
    const signedIn = await connector.exchange(client, new URL(back.location!), checks, leg);
    expect(signedIn).toMatchObject({ subject: sub, email: 'watched@partner.example', emailVerified: true });
    expect(called).toEqual(['/.well-known/openid-configuration', '/token', '/jwks', '/me']);
  } finally {
    await outbound.close();
  }
});
