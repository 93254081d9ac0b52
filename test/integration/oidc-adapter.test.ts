import type { AdapterPayload } from 'oidc-provider';

import type { KeyValueStore } from '../../src/store/key-value-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { ModelAdapter } from '../../src/store/oidc-adapter.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { requireRedisUrl } from '../support/idp.ts';
import { uniqueNamespace } from '../support/namespace.ts';
import { watchRedisExpiry } from '../support/redis-expiry.ts';

/**
 * One contract, two stores: oidc-provider's adapter must behave the same on Redis (production)
 * and on the embedded memory store (npm start).
 */

interface Backend {
  store: KeyValueStore;
  /** Resolves once the store has expired `key` after `ttlSeconds`, without sleeping. */
  expire(key: string, ttlSeconds: number, write: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

async function redisBackend(): Promise<Backend> {
  const url = requireRedisUrl();
  const store = await RedisStore.connect({ url });
  return {
    store,
    async expire(key, _ttlSeconds, write) {
      const watch = await watchRedisExpiry(url, key);
      try {
        await write();
        await watch.expired;
      } finally {
        await watch.stop();
      }
    },
    close: () => store.close(),
  };
}

async function memoryBackend(): Promise<Backend> {
  let now = Date.now();
  const store = new MemoryStore({ now: () => now });
  return {
    store,
    async expire(_key, ttlSeconds, write) {
      await write();
      now += ttlSeconds * 1000;
    },
    close: () => store.close(),
  };
}

const payload = (extra: Partial<AdapterPayload> = {}): AdapterPayload => ({
  jti: 'x', kind: 'AccessToken', clientId: 'client-1', accountId: 'guest-1', exp: 4102444800, ...extra,
});

describe.each([
  ['Redis', redisBackend],
  ['memory', memoryBackend],
])('oidc-provider adapter on the %s store', (_name, open) => {
  let backend: Backend;
  const namespace = uniqueNamespace();
  const keys = new Keys(namespace);
  const adapter = (model: string, tenantId = 'tenant-a') => new ModelAdapter(backend.store, keys, tenantId, model);

  beforeAll(async () => { backend = await open(); });
  afterAll(async () => {
    await backend.store.deleteByPrefix(`${namespace}:`);
    await backend.close();
  });

  test('finds what was upserted, and nothing for an unknown id', async () => {
    await adapter('AccessToken').upsert('at-1', payload({ jti: 'at-1', scope: 'openid email', extra: { nested: [1, 2] } }), 60);
    expect(await adapter('AccessToken').find('at-1')).toEqual(payload({ jti: 'at-1', scope: 'openid email', extra: { nested: [1, 2] } }));
    expect(await adapter('AccessToken').find('at-unknown')).toBeUndefined();
    expect(await adapter('RefreshToken').find('at-1')).toBeUndefined();
  });

  test('takes the TTL from expiresIn', async () => {
    await adapter('AuthorizationCode').upsert('code-ttl', payload({ jti: 'code-ttl' }), 600);
    const ttl = await backend.store.timeToLive(keys.oidcModel('tenant-a', 'AuthorizationCode', 'code-ttl'));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  test('a record is gone once its TTL has passed', async () => {
    const key = keys.oidcModel('tenant-a', 'Interaction', 'short-lived');
    await backend.expire(key, 1, () => adapter('Interaction').upsert('short-lived', payload({ jti: 'short-lived' }), 1));
    expect(await adapter('Interaction').find('short-lived')).toBeUndefined();
  });

  test('consume marks the record consumed and keeps its TTL', async () => {
    await adapter('AuthorizationCode').upsert('code-1', payload({ jti: 'code-1' }), 300);
    await adapter('AuthorizationCode').consume('code-1');
    const found = await adapter('AuthorizationCode').find('code-1');
    expect(found?.consumed).toEqual(expect.any(Number));
    expect(await backend.store.timeToLive(keys.oidcModel('tenant-a', 'AuthorizationCode', 'code-1'))).toBeGreaterThan(290);
  });

  test('consume is atomic and single-use: concurrent consumers all see it consumed, none re-create it', async () => {
    await adapter('RefreshToken').upsert('rt-race', payload({ jti: 'rt-race' }), 300);
    await Promise.all(Array.from({ length: 10 }, () => adapter('RefreshToken').consume('rt-race')));
    expect((await adapter('RefreshToken').find('rt-race'))?.consumed).toEqual(expect.any(Number));
  });

  test('consuming a missing record does not create one', async () => {
    await adapter('AuthorizationCode').consume('never-issued');
    expect(await adapter('AuthorizationCode').find('never-issued')).toBeUndefined();
  });

  test('upsert replaces the previous version, consumed mark included', async () => {
    await adapter('Grant').upsert('grant-r', payload({ jti: 'grant-r', scope: 'openid' }), 300);
    await adapter('Grant').consume('grant-r');
    await adapter('Grant').upsert('grant-r', payload({ jti: 'grant-r', scope: 'openid email' }), 300);
    const found = await adapter('Grant').find('grant-r');
    expect(found?.scope).toBe('openid email');
    expect(found?.consumed).toBeUndefined();
  });

  test('destroy removes the record', async () => {
    await adapter('Session').upsert('session-d', payload({ jti: 'session-d', uid: 'uid-d' }), 300);
    await adapter('Session').destroy('session-d');
    expect(await adapter('Session').find('session-d')).toBeUndefined();
    expect(await adapter('Session').findByUid('uid-d')).toBeUndefined();
  });

  test('finds sessions by uid and device codes by user code', async () => {
    await adapter('Session').upsert('session-1', payload({ jti: 'session-1', uid: 'uid-1' }), 300);
    await adapter('DeviceCode').upsert('device-1', payload({ jti: 'device-1', userCode: 'ABCD-EFGH' }), 300);
    expect((await adapter('Session').findByUid('uid-1'))?.jti).toBe('session-1');
    expect((await adapter('DeviceCode').findByUserCode('ABCD-EFGH'))?.jti).toBe('device-1');
    expect(await adapter('Session').findByUid('uid-unknown')).toBeUndefined();
  });

  test('revokeByGrantId removes every token of the grant and nothing else', async () => {
    await adapter('AccessToken').upsert('at-g1', payload({ jti: 'at-g1', grantId: 'grant-1' }), 300);
    await adapter('RefreshToken').upsert('rt-g1', payload({ jti: 'rt-g1', grantId: 'grant-1' }), 3000);
    await adapter('AuthorizationCode').upsert('code-g1', payload({ jti: 'code-g1', grantId: 'grant-1' }), 60);
    await adapter('AccessToken').upsert('at-g2', payload({ jti: 'at-g2', grantId: 'grant-2' }), 300);

    await adapter('AccessToken').revokeByGrantId('grant-1');

    expect(await adapter('AccessToken').find('at-g1')).toBeUndefined();
    expect(await adapter('RefreshToken').find('rt-g1')).toBeUndefined();
    expect(await adapter('AuthorizationCode').find('code-g1')).toBeUndefined();
    expect((await adapter('AccessToken').find('at-g2'))?.jti).toBe('at-g2');
  });

  test('the grant index lives as long as its longest-lived token', async () => {
    await adapter('RefreshToken').upsert('rt-long', payload({ jti: 'rt-long', grantId: 'grant-long' }), 5000);
    await adapter('AccessToken').upsert('at-short', payload({ jti: 'at-short', grantId: 'grant-long' }), 60);
    expect(await backend.store.timeToLive(keys.grantTokens('tenant-a', 'grant-long'))).toBeGreaterThan(4900);
  });

  test('tenants are isolated: same ids, separate records, separate revocation', async () => {
    await adapter('AccessToken', 'tenant-a').upsert('shared-id', payload({ jti: 'shared-id', grantId: 'g', clientId: 'a' }), 300);
    await adapter('AccessToken', 'tenant-b').upsert('shared-id', payload({ jti: 'shared-id', grantId: 'g', clientId: 'b' }), 300);
    await adapter('Session', 'tenant-a').upsert('s', payload({ jti: 's', uid: 'same-uid' }), 300);

    expect((await adapter('AccessToken', 'tenant-b').find('shared-id'))?.clientId).toBe('b');
    expect(await adapter('Session', 'tenant-b').findByUid('same-uid')).toBeUndefined();

    await adapter('AccessToken', 'tenant-a').revokeByGrantId('g');
    expect(await adapter('AccessToken', 'tenant-a').find('shared-id')).toBeUndefined();
    expect((await adapter('AccessToken', 'tenant-b').find('shared-id'))?.clientId).toBe('b');
  });

  test('sessions and grants are indexed by account, for revoking a guest', async () => {
    await adapter('Session').upsert('session-acc', payload({ jti: 'session-acc', uid: 'u-acc', accountId: 'guest-x' }), 300);
    await adapter('Grant').upsert('grant-acc', payload({ jti: 'grant-acc', accountId: 'guest-x' }), 300);
    await adapter('AccessToken').upsert('at-acc', payload({ jti: 'at-acc', accountId: 'guest-x' }), 300);
    const indexed = await backend.store.setMembers(keys.accountArtifacts('tenant-a', 'guest-x'));
    expect(indexed.sort()).toEqual([
      keys.oidcModel('tenant-a', 'Grant', 'grant-acc'),
      keys.oidcModel('tenant-a', 'Session', 'session-acc'),
    ].sort());
  });
});
