import { Redis } from 'ioredis';

import { ConflictError } from '../../src/errors.ts';
import type { IdentityProvider } from '../../src/federation/identity-provider.ts';
import { Redemptions } from '../../src/guests/redemption.ts';
import type { User } from '../../src/guests/user.ts';
import { IdentityProviderRepository } from '../../src/store/identity-provider-repository.ts';
import { InvitationRepository } from '../../src/store/invitation-repository.ts';
import { SecretBox } from '../../src/store/secret-box.ts';
import { USER_FILTER_FIELDS } from '../../src/store/user-repository.ts';
import { recordFinding } from '../support/findings.ts';
import { requireRedisUrl, type RunningIdp, startIdp } from '../support/idp.ts';
import { inviteGuest } from '../support/sign-in.ts';

/**
 * Lost updates: two writers that change one record at the same moment, each in its own process
 * (two app instances on one Redis, each with its own connection). Every write is compare-and-set
 * on the record's version; the loser re-applies its change to a fresh read, or is refused. What
 * is stored is read back from Redis directly, indexes included.
 */

const ROUNDS = 20;
/** The test environment's KEY_ENCRYPTION_KEY (support/idp.ts), to open what the instances sealed. */
const KEY_ENCRYPTION_KEY = 'test-key-encryption-key-0123456789abcdef';

let a: RunningIdp;
let b: RunningIdp;
let redis: Redis;

beforeAll(async () => {
  a = await startIdp();
  b = await startIdp({ namespace: a.namespace, keepData: true });
  redis = new Redis(requireRedisUrl());
});

afterAll(async () => {
  redis.disconnect();
  await b.close();
  await a.close();
});

async function storedJson<T>(key: string): Promise<T> {
  const value = await redis.get(key);
  if (value === null) throw new Error(`nothing stored at ${key}`);
  return JSON.parse(value) as T;
}

test('a rename and a key rotation at once: both are applied and the revision goes up twice', async () => {
  expect((await a.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  const tenantKey = a.keys.tenant('contoso');
  for (let round = 1; round <= ROUNDS; round += 1) {
    const before = await storedJson<{ revision: number }>(tenantKey);
    const keysBefore = (await a.admin('GET', '/admin/tenants/contoso/signingKeys')).body.value as { kid: string; alg: string; status: string }[];
    const [renamed, rotated] = await Promise.all([
      a.admin('PATCH', '/admin/tenants/contoso', { displayName: `Contoso ${round}` }),
      b.admin('POST', '/admin/tenants/contoso/signingKeys/rotate'),
    ]);
    expect([renamed.status, rotated.status]).toEqual([200, 200]);

    const after = await storedJson<{ revision: number; displayName: string }>(tenantKey);
    expect(after).toMatchObject({ displayName: `Contoso ${round}`, revision: before.revision + 2 });
    // The rotation happened once: every former next key signs now.
    const keysAfter = (await a.admin('GET', '/admin/tenants/contoso/signingKeys')).body.value as { kid: string; status: string }[];
    const current = keysAfter.filter((key) => key.status === 'current').map((key) => key.kid).sort();
    expect(current).toEqual(keysBefore.filter((key) => key.status === 'next').map((key) => key.kid).sort());
  }

  recordFinding({
    kind: 'fault',
    name: 'Lost update: tenant rename and key rotation at once',
    tried: 'PATCH displayName on one instance and POST signingKeys/rotate on another, at the same moment',
    times: ROUNDS,
    result: `every round kept both changes: the new name stored, the former next keys current, and the revision up by exactly 2 (${ROUNDS} of ${ROUNDS})`,
  });
});

test('two key rotations at once both happen, one after the other', async () => {
  expect((await a.admin('POST', '/admin/tenants', { id: 'rotations', displayName: 'Rotations' })).status).toBe(201);
  const before = await storedJson<{ revision: number }>(a.keys.tenant('rotations'));
  const results = await Promise.all([
    a.admin('POST', '/admin/tenants/rotations/signingKeys/rotate'),
    b.admin('POST', '/admin/tenants/rotations/signingKeys/rotate'),
  ]);
  expect(results.map((result) => result.status)).toEqual([200, 200]);
  const keys = (await a.admin('GET', '/admin/tenants/rotations/signingKeys')).body.value as { status: string }[];
  // Two rotations: the first keys and the first next keys are both retired now.
  expect(keys.filter((key) => key.status === 'retired')).toHaveLength(4);
  expect((await storedJson<{ revision: number }>(a.keys.tenant('rotations'))).revision).toBe(before.revision + 2);
});

/** The user's record, its address copy and every index, straight from Redis. */
async function storedUser(tenantId: string, userId: string) {
  const record = await storedJson<User>(a.keys.user(tenantId, userId));
  const byMail = await storedJson<User>(a.keys.userByMail(tenantId, record.mail));
  const values: Record<string, string[]> = {
    userType: ['Guest', 'Member'],
    externalUserState: ['PendingAcceptance', 'Accepted'],
    source: ['EmailOTP', 'Google', 'HomeTenant', 'ConsumerAccount', 'DirectFederation'],
  };
  const indexed: Record<string, string[]> = {};
  for (const field of USER_FILTER_FIELDS) {
    indexed[field] = [];
    for (const value of values[field] as string[]) {
      if (await redis.zscore(a.keys.userIndexBy(tenantId, field, value), userId) !== null) indexed[field]?.push(value);
    }
  }
  return { record, byMail, indexed };
}

test('a reset redemption racing a sign-in leaves the guest in exactly one state index, the one of the record', async () => {
  expect((await a.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam' })).status).toBe(201);
  const { invitedUser } = await inviteGuest(a, 'fabrikam', 'racer@partner.example');
  // The sign-in runs in instance B (as the interaction routes do), the reset in A.
  const redemptions = new Redemptions(b.users, new InvitationRepository(b.store, b.keys));
  const outcomes = { bothApplied: 0, signInRefused: 0 };

  for (let round = 1; round <= ROUNDS; round += 1) {
    const [reset, signIn] = await Promise.allSettled([
      (async () => a.guests.resetRedemption('fabrikam', await a.guests.get('fabrikam', invitedUser.id)))(),
      (async () => redemptions.recordSignIn('fabrikam', (await b.users.find('fabrikam', invitedUser.id)) as User, 'EmailOTP'))(),
    ]);
    expect(reset.status).toBe('fulfilled');
    if (signIn.status === 'rejected') {
      // Refused only because the reset changed what it was decided on: the guest signs in again.
      expect(signIn.reason).toBeInstanceOf(ConflictError);
      outcomes.signInRefused += 1;
    } else {
      outcomes.bothApplied += 1;
    }

    const { record, byMail, indexed } = await storedUser('fabrikam', invitedUser.id);
    expect(byMail).toEqual(record);
    expect(indexed.externalUserState).toEqual([record.externalUserState]);
    expect(indexed.source).toEqual(record.source ? [record.source] : []);
    expect(indexed.userType).toEqual(['Guest']);
  }

  recordFinding({
    kind: 'fault',
    name: 'Lost update: reset redemption racing a sign-in',
    tried: 'resetRedemption on one instance and a recorded sign-in on another, at the same moment, each from its own read',
    times: ROUNDS,
    result: `the guest was in exactly one state index, matching the record, in ${ROUNDS} of ${ROUNDS} rounds (both applied ${outcomes.bothApplied}, sign-in refused with 409 after the reset ${outcomes.signInRefused})`,
  });
});

test('two sign-ins of one guest at once (two tabs) both succeed and leave one consistent record', async () => {
  const { invitedUser } = await inviteGuest(a, 'fabrikam', 'two-tabs@partner.example');
  const first = new Redemptions(a.users, new InvitationRepository(a.store, a.keys));
  const second = new Redemptions(b.users, new InvitationRepository(b.store, b.keys));
  for (let round = 1; round <= ROUNDS; round += 1) {
    const [one, two] = await Promise.all([
      (async () => first.recordSignIn('fabrikam', (await a.users.find('fabrikam', invitedUser.id)) as User, 'EmailOTP'))(),
      (async () => second.recordSignIn('fabrikam', (await b.users.find('fabrikam', invitedUser.id)) as User, 'EmailOTP'))(),
    ]);
    expect([one.externalUserState, two.externalUserState]).toEqual(['Accepted', 'Accepted']);
    const { record, indexed } = await storedUser('fabrikam', invitedUser.id);
    expect(record).toMatchObject({ externalUserState: 'Accepted', source: 'EmailOTP' });
    expect(indexed.externalUserState).toEqual(['Accepted']);
    // The later of the two writes is the stored one: versions count every write.
    expect(record.version).toBe(Math.max(one.version ?? 0, two.version ?? 0));
    if (round % 5 === 0) await a.guests.resetRedemption('fabrikam', await a.guests.get('fabrikam', invitedUser.id));
  }
});

test('two replacements of one identity provider at once leave exactly the claims of the stored one', async () => {
  const secrets = new SecretBox(KEY_ENCRYPTION_KEY);
  const first = new IdentityProviderRepository(a.store, a.keys, secrets);
  const second = new IdentityProviderRepository(b.store, b.keys, secrets);
  const provider = (domains: string[]): IdentityProvider => ({
    id: 'partner-idp', type: 'oidc', displayName: 'Partner', issuer: 'https://idp.partner.example', clientId: 'guest-idp', domains, createdDateTime: new Date().toISOString(),
  });
  expect(await first.save('fabrikam', provider(['start.example']), 'secret')).toBeUndefined();
  const everUsed = new Set(['start.example']);

  for (let round = 1; round <= ROUNDS; round += 1) {
    const mine = [`a${round}.example`, 'shared.example'];
    const theirs = [`b${round}.example`];
    for (const domain of [...mine, ...theirs]) everUsed.add(domain);
    const results = await Promise.all([first.save('fabrikam', provider(mine), undefined), second.save('fabrikam', provider(theirs), undefined)]);
    expect(results).toEqual([undefined, undefined]);

    const stored = await storedJson<IdentityProvider>(a.keys.identityProvider('fabrikam', 'partner-idp'));
    expect([mine, theirs]).toContainEqual(stored.domains);
    for (const domain of everUsed) {
      const claim = await redis.get(a.keys.identityProviderDomain('fabrikam', domain));
      expect({ domain, claim }).toEqual({ domain, claim: stored.domains.includes(domain) ? 'partner-idp' : null });
    }
  }

  recordFinding({
    kind: 'fault',
    name: 'Lost update: identity provider replaced twice at once',
    tried: 'two PUT-equivalent saves of one identity provider with different domains, from two instances at the same moment',
    times: ROUNDS,
    result: `every round left domain claims exactly for the stored record's domains (${everUsed.size} domains checked per round), none leaked`,
  });
});

test('records stored before versions and generations existed still read and update', async () => {
  expect((await a.admin('POST', '/admin/tenants', { id: 'legacy', displayName: 'Legacy' })).status).toBe(201);
  const { invitedUser } = await inviteGuest(a, 'legacy', 'old-guest@partner.example');
  const redemptions = new Redemptions(a.users, new InvitationRepository(a.store, a.keys));
  await redemptions.recordSignIn('legacy', (await a.users.find('legacy', invitedUser.id)) as User, 'EmailOTP');

  // Rewrite them as an older guest-idp stored them: no version, no generation, keys as a bare list.
  const { version: _tenantVersion, generation: _generation, ...oldTenant } = await storedJson<Record<string, unknown>>(a.keys.tenant('legacy'));
  await redis.set(a.keys.tenant('legacy'), JSON.stringify(oldTenant));
  const { keys: sealedKeys } = await storedJson<{ keys: unknown[] }>(a.keys.signingKeys('legacy'));
  await redis.set(a.keys.signingKeys('legacy'), JSON.stringify(sealedKeys));
  const { version: _userVersion, ...oldUser } = await storedJson<Record<string, unknown>>(a.keys.user('legacy', invitedUser.id));
  await redis.set(a.keys.user('legacy', invitedUser.id), JSON.stringify(oldUser));
  await redis.set(a.keys.userByMail('legacy', 'old-guest@partner.example'), JSON.stringify(oldUser));

  // A fresh instance (no caches) serves and changes them.
  const c = await startIdp({ namespace: a.namespace, keepData: true });
  try {
    expect((await fetch(`${c.baseUrl}/legacy/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    expect((await c.admin('PATCH', '/admin/tenants/legacy', { displayName: 'Legacy Ltd' })).status).toBe(200);
    expect((await c.admin('POST', '/admin/tenants/legacy/signingKeys/rotate')).status).toBe(200);
    const reset = await c.admin('POST', '/admin/tenants/legacy/invitations', {
      invitedUserEmailAddress: 'old-guest@partner.example', inviteRedirectUrl: 'https://apps.example/', resetRedemption: true,
    });
    expect(reset.status).toBe(201);
  } finally {
    await c.close();
  }
  expect(await storedJson(a.keys.tenant('legacy'))).toMatchObject({ displayName: 'Legacy Ltd', revision: 3, version: 2 });
  expect(await storedJson(a.keys.signingKeys('legacy'))).toMatchObject({ version: 1, keys: expect.any(Array) });
  const { record, indexed } = await storedUser('legacy', invitedUser.id);
  expect(record).toMatchObject({ externalUserState: 'PendingAcceptance', source: null, version: 1 });
  expect(indexed.externalUserState).toEqual(['PendingAcceptance']);
});
