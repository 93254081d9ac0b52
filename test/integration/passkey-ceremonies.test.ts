import { PASSKEY_CHALLENGE_TTL_SECONDS } from '../../src/limits.ts';
import { PasskeyCeremonies, type PasskeyCeremonyContext } from '../../src/mfa/passkey/passkey-ceremonies.ts';
import { AuthenticationMethodRepository } from '../../src/store/authentication-method-repository.ts';
import { Keys } from '../../src/store/keys.ts';
import { PasskeyChallengeRepository } from '../../src/store/passkey-challenge-repository.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { recordFinding } from '../support/findings.ts';
import { requireRedisUrl } from '../support/idp.ts';
import { uniqueNamespace } from '../support/namespace.ts';
import { SoftwareAuthenticator } from '../support/software-authenticator.ts';

/**
 * The passkey relying party (src/mfa/passkey/passkey-ceremonies.ts) against an authenticator in
 * the test process, on Redis: what a browser's virtual authenticator cannot show (a counter that
 * goes back, another origin, two uses of one assertion at the same moment, a synced passkey).
 * test/e2e/passkeys.browser.test.ts shows the same relying party with Chromium.
 */

const BASE_URL = 'https://login.example.com';
const ORIGIN = BASE_URL;
let store: RedisStore;
let keys: Keys;
let methods: AuthenticationMethodRepository;
let ceremonies: PasskeyCeremonies;
let uidCount = 0;

beforeAll(async () => {
  store = await RedisStore.connect({ url: requireRedisUrl() });
  keys = new Keys(uniqueNamespace());
  methods = new AuthenticationMethodRepository(store, keys);
  ceremonies = new PasskeyCeremonies(methods, new PasskeyChallengeRepository(store, keys), BASE_URL);
});

afterAll(async () => {
  await store.deleteByPrefix(`${keys.namespace}:`);
  await store.close();
});

/** A sign-in attempt of a guest: a new interaction uid each time. */
function attempt(userId = 'adele', tenantId = 'contoso'): PasskeyCeremonyContext {
  uidCount += 1;
  return { tenant: { id: tenantId, displayName: tenantId }, uid: `uid-${uidCount}`, user: { id: userId, mail: `${userId}@fabrikam.example`, displayName: null } };
}

/** A guest with a registered passkey on `authenticator`. */
async function registered(authenticator: SoftwareAuthenticator, userId: string, tenantId = 'contoso') {
  const context = attempt(userId, tenantId);
  const outcome = await ceremonies.register(context, JSON.stringify(authenticator.register(await ceremonies.registrationOptions(context))));
  expect(outcome.kind).toBe('passed');
  return outcome;
}

/** One sign-in with the passkey: fresh options, the authenticator's answer, the check. */
async function signIn(authenticator: SoftwareAuthenticator, userId: string, tenantId = 'contoso') {
  const context = attempt(userId, tenantId);
  return ceremonies.authenticate(context, JSON.stringify(authenticator.authenticate(await ceremonies.authenticationOptions(context))));
}

test('a passkey is registered with user verification required and no attestation, then signs in; amr hwk for a device-bound one, swk for a synced one', async () => {
  const context = attempt('adele');
  const options = await ceremonies.registrationOptions(context);
  expect(options).toMatchObject({ rp: { id: 'login.example.com', name: 'contoso' }, attestation: 'none', authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' } });
  const device = new SoftwareAuthenticator({ origin: ORIGIN });
  const outcome = await ceremonies.register(context, JSON.stringify(device.register(options)));
  expect(outcome).toMatchObject({ kind: 'passed', amr: 'hwk' });
  const [stored] = await methods.list('contoso', 'adele');
  expect(stored).toMatchObject({ type: 'passkey', displayName: 'Passkey', data: { credentialId: device.id, counter: 1, deviceType: 'singleDevice', transports: ['internal'] } });

  const again = attempt('adele');
  const request = await ceremonies.authenticationOptions(again);
  expect(request).toMatchObject({ rpId: 'login.example.com', userVerification: 'required', allowCredentials: [{ id: device.id }] });
  expect(await ceremonies.authenticate(again, JSON.stringify(device.authenticate(request)))).toMatchObject({ kind: 'passed', amr: 'hwk' });
  expect((await methods.list('contoso', 'adele'))[0]?.data).toMatchObject({ counter: 2 });

  const synced = new SoftwareAuthenticator({ origin: ORIGIN, backupEligible: true });
  expect(await registered(synced, 'lee')).toMatchObject({ amr: 'swk' });
  expect(await signIn(synced, 'lee')).toMatchObject({ kind: 'passed', amr: 'swk' });
});

test('a challenge is good once: the same assertion posted twice at the same moment passes once', async () => {
  const device = new SoftwareAuthenticator({ origin: ORIGIN });
  await registered(device, 'megan');
  const context = attempt('megan');
  const response = JSON.stringify(device.authenticate(await ceremonies.authenticationOptions(context)));
  const outcomes = await Promise.all([ceremonies.authenticate(context, response), ceremonies.authenticate(context, response)]);
  expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['passed', 'refused']);
  expect(outcomes.find((outcome) => outcome.kind === 'refused')).toEqual({ kind: 'refused', reason: 'expired' });
  // And once more afterwards, with the attempt's next challenge: signed over the old one, refused.
  await ceremonies.authenticationOptions(context);
  expect(await ceremonies.authenticate(context, response)).toEqual({ kind: 'refused', reason: 'rejected' });
  recordFinding({ kind: 'attack', name: 'Passkey assertion replay (race)', tried: 'one passkey assertion checked twice at the same moment, then again against the next challenge', times: 3, result: 'one passed; the other found no challenge (taken by GETDEL), the later one was refused (signed over an old challenge)' });
});

test('the challenge lives PASSKEY_CHALLENGE_TTL_SECONDS, and is for one ceremony of one guest', async () => {
  const device = new SoftwareAuthenticator({ origin: ORIGIN });
  const context = attempt('nestor');
  const options = await ceremonies.registrationOptions(context);
  const ttl = await store.timeToLive(keys.passkeyChallenge('contoso', context.uid));
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(PASSKEY_CHALLENGE_TTL_SECONDS);
  // Taken for an authentication (not what it was issued for): gone, and nothing registered.
  expect(await ceremonies.authenticate(context, JSON.stringify(device.register(options)))).toEqual({ kind: 'refused', reason: 'expired' });
  expect(await ceremonies.register(context, JSON.stringify(device.register(options)))).toEqual({ kind: 'refused', reason: 'expired' });
  // Issued for one guest, taken by another's sign-in with the same uid: refused.
  await ceremonies.registrationOptions(context);
  expect(await ceremonies.register({ ...context, user: { ...context.user, id: 'someone-else' } }, JSON.stringify(device.register(options)))).toEqual({ kind: 'refused', reason: 'expired' });
  expect(await methods.list('contoso', 'nestor')).toEqual([]);
});

test('no user verification, another origin or relying party id, a malformed response: refused, nothing stored', async () => {
  const cases: Array<[string, (options: { challenge: string; rp: { id?: string } }) => string]> = [
    ['no UV flag', (o) => JSON.stringify(new SoftwareAuthenticator({ origin: ORIGIN, userVerified: false }).register(o))],
    ['a look-alike origin', (o) => JSON.stringify(new SoftwareAuthenticator({ origin: 'https://login.example.com.evil.example' }).register(o))],
    ['another relying party id', (o) => JSON.stringify(new SoftwareAuthenticator({ origin: ORIGIN }).register({ ...o, rp: { id: 'evil.example' } }))],
  ];
  for (const [name, respond] of cases) {
    const context = attempt(`refused-${name.replace(/\W+/g, '-')}`);
    const outcome = await ceremonies.register(context, respond(await ceremonies.registrationOptions(context)));
    expect({ name, outcome }).toEqual({ name, outcome: { kind: 'refused', reason: 'rejected' } });
    expect(await methods.list('contoso', context.user.id)).toEqual([]);
  }
  for (const posted of ['', 'not json', '{"id":"x"}', '[]', '{"id":"x","rawId":"x","type":"password","response":{}}']) {
    const context = attempt('malformed');
    await ceremonies.registrationOptions(context);
    expect(await ceremonies.register(context, posted)).toEqual({ kind: 'refused', reason: 'malformed' });
  }

  // A well-signed assertion without the UV flag, from a passkey that was verified at registration:
  // refused, and the stored counter stays where it was.
  const device = new SoftwareAuthenticator({ origin: ORIGIN });
  await registered(device, 'patti');
  device.userVerified = false;
  expect(await signIn(device, 'patti')).toEqual({ kind: 'refused', reason: 'rejected' });
  expect((await methods.list('contoso', 'patti'))[0]?.data).toMatchObject({ counter: 1 });
  device.userVerified = true;
  expect(await signIn(device, 'patti')).toMatchObject({ kind: 'passed' });
  recordFinding({ kind: 'attack', name: 'Passkey without its owner, or for a look-alike site', tried: 'passkey responses without the UV flag (registration and sign-in), from a look-alike origin, for another relying party id, and 5 malformed ones', times: 9, result: 'all refused; nothing stored, the counter unchanged' });
});

test('a counter that does not move on (a cloned authenticator) is refused', async () => {
  const device = new SoftwareAuthenticator({ origin: ORIGIN });
  await registered(device, 'alex');
  expect(await signIn(device, 'alex')).toMatchObject({ kind: 'passed' });
  expect(await signIn(device, 'alex')).toMatchObject({ kind: 'passed' });
  // The clone was copied at counter 1: its next use says 2, the original is at 3.
  device.counter = 1;
  expect(await signIn(device, 'alex')).toEqual({ kind: 'refused', reason: 'rejected' });
  expect((await methods.list('contoso', 'alex'))[0]?.data).toMatchObject({ counter: 3 });
  recordFinding({ kind: 'attack', name: 'Cloned passkey authenticator', tried: 'a well-signed assertion whose counter (2) is not above the stored one (3)', times: 1, result: 'refused; the stored counter stays 3' });
});

test('a passkey of another guest, or of the same guest in another tenant, does not sign anyone in', async () => {
  const device = new SoftwareAuthenticator({ origin: ORIGIN });
  await registered(device, 'diego', 'contoso');
  await registered(new SoftwareAuthenticator({ origin: ORIGIN }), 'grady', 'contoso');
  await registered(new SoftwareAuthenticator({ origin: ORIGIN }), 'diego', 'fabrikam');
  expect(await signIn(device, 'grady', 'contoso')).toEqual({ kind: 'refused', reason: 'unknownPasskey' });
  expect(await signIn(device, 'diego', 'fabrikam')).toEqual({ kind: 'refused', reason: 'unknownPasskey' });
  expect(await signIn(device, 'diego', 'contoso')).toMatchObject({ kind: 'passed' });
});
