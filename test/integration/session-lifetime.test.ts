import { Redis } from 'ioredis';

import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { requireRedisUrl, type RunningIdp, startIdp } from '../support/idp.ts';
import { watchRedisExpiry } from '../support/redis-expiry.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { inviteGuest, type SignInFixture, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/** A guest's session lasts SESSION_TTL_SECONDS from sign-in, not from last use; then a new code is needed. */

let smtp: SmtpListener;

beforeAll(async () => { smtp = await startSmtpListener(); });
afterAll(() => smtp.close());

async function signIn(idp: RunningIdp, fixture: SignInFixture, guest: GuestAgent, email: string) {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
  const entering = await guest.submit(sendPage, '/send');
  const done = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, rp.isCallback);
  return { rp, claims: (await rp.redeemCallback(done.location!)).claims()! };
}

async function sessionIdOf(guest: GuestAgent, idp: RunningIdp, tenantId: string): Promise<string> {
  const cookies = await guest.jar.getCookies(`${idp.baseUrl}/${tenantId}/v2.0/auth`);
  const session = cookies.find((cookie) => cookie.key === `gi_session_${tenantId}`);
  if (!session) throw new Error('no session cookie');
  return session.value;
}

test('after SESSION_TTL_SECONDS the session is gone and the app’s next sign-in asks for a new code', async () => {
  const idp = await startIdp({ env: { SMTP_URL: smtp.url, SESSION_TTL_SECONDS: '2' } });
  try {
    const fixture = await tenantWithApp(idp, 'brief');
    await inviteGuest(idp, 'brief', 'brief@partner.example');
    const guest = new GuestAgent();
    const { rp } = await signIn(idp, fixture, guest, 'brief@partner.example');

    // Within the session: straight back to the app.
    const sso = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
    expect(rp.isCallback(sso.location!)).toBe(true);

    const sessionKey = idp.keys.oidcModel('brief', 'Session', await sessionIdOf(guest, idp, 'brief'));
    const watch = await watchRedisExpiry(requireRedisUrl(), sessionKey);
    try {
      await watch.expired;
    } finally {
      await watch.stop();
    }
    const after = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
    expect(after.status).toBe(200);
    expect(textOf(after.html)).toContain('Sign in to continue to brief app');
  } finally {
    await idp.close();
  }
});

test('using the session does not extend it: its end stays sign-in time plus SESSION_TTL_SECONDS', async () => {
  const idp = await startIdp({ env: { SMTP_URL: smtp.url, SESSION_TTL_SECONDS: '3600' } });
  const redis = new Redis(requireRedisUrl());
  try {
    const fixture = await tenantWithApp(idp, 'steady');
    await inviteGuest(idp, 'steady', 'steady@partner.example');
    const guest = new GuestAgent();
    const { rp } = await signIn(idp, fixture, guest, 'steady@partner.example');

    // Pretend the sign-in was 1000 seconds ago (instead of waiting), then use the session.
    const sessionKey = idp.keys.oidcModel('steady', 'Session', await sessionIdOf(guest, idp, 'steady'));
    const payload = JSON.parse((await redis.hget(sessionKey, 'payload'))!);
    payload.loginTs -= 1000;
    await redis.hset(sessionKey, 'payload', JSON.stringify(payload));

    const sso = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
    const claims = (await rp.redeemCallback(sso.location!)).claims()!;
    expect(claims.auth_time).toBe(payload.loginTs);

    const ttl = await redis.ttl(sessionKey);
    expect(ttl).toBeLessThanOrEqual(2600);
    expect(ttl).toBeGreaterThan(2500);
  } finally {
    redis.disconnect();
    await idp.close();
  }
});
