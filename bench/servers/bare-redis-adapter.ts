import type { ChainableCommander, Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * The plain Redis adapter oidc-provider's documentation shows (its example/adapters/redis.js),
 * for the baseline: what an operator gets who puts a bare oidc-provider on Redis by the book, so
 * the bench compares a store with a store. One key per model instance holding its JSON with a TTL;
 * index keys for a grant's tokens (a list, to revoke them together), a device flow's user code and
 * an interaction's uid; single-use models (codes, refresh tokens) as a hash whose `consumed` field
 * `consume` sets. Nothing cached in the process: every call is Redis, as in the example.
 *
 * One difference from the example, to keep it one round trip per write: the example reads the
 * grant list's TTL before its MULTI to only ever lengthen it; here `EXPIRE … NX` (no TTL yet) and
 * `EXPIRE … GT` (longer than now) inside the MULTI say the same thing (Redis 7).
 */

/** Models that are used once: oidc-provider marks them consumed rather than deleting them. */
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

const grantKey = (grantId: string) => `grant:${grantId}`;
const userCodeKey = (userCode: string) => `userCode:${userCode}`;
const uidKey = (uid: string) => `uid:${uid}`;

/** An adapter class per model name, as oidc-provider's `adapter` option takes; `redis` carries the key prefix. */
export function bareRedisAdapter(redis: Redis): (name: string) => Adapter {
  return (name) => new BareRedisAdapter(redis, name);
}

class BareRedisAdapter implements Adapter {
  readonly #redis: Redis;
  readonly #name: string;
  readonly #consumable: boolean;

  constructor(redis: Redis, name: string) {
    this.#redis = redis;
    this.#name = name;
    this.#consumable = CONSUMABLE.has(name);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    const json = JSON.stringify(payload);
    const multi = this.#redis.multi();
    if (this.#consumable) {
      multi.hset(key, 'payload', json);
      if (expiresIn) multi.expire(key, expiresIn);
    } else {
      setWithExpiry(multi, key, json, expiresIn);
    }
    if (payload.grantId) {
      const grant = grantKey(payload.grantId);
      multi.rpush(grant, key);
      if (expiresIn) {
        multi.expire(grant, expiresIn, 'NX');
        multi.expire(grant, expiresIn, 'GT');
      }
    }
    if (payload.userCode) setWithExpiry(multi, userCodeKey(payload.userCode), id, expiresIn);
    if (payload.uid) setWithExpiry(multi, uidKey(payload.uid), id, expiresIn);
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.#key(id);
    if (!this.#consumable) {
      const json = await this.#redis.get(key);
      return json ? JSON.parse(json) as AdapterPayload : undefined;
    }
    const { payload, consumed } = await this.#redis.hgetall(key);
    if (!payload) return undefined;
    return { ...JSON.parse(payload) as AdapterPayload, ...(consumed ? { consumed: Number(consumed) } : {}) };
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.#redis.get(uidKey(uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.#redis.get(userCodeKey(userCode));
    return id ? this.find(id) : undefined;
  }

  async destroy(id: string): Promise<void> {
    await this.#redis.del(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    // The list holds the keys without the client's prefix (it prefixes key arguments, not values).
    const keys = await this.#redis.lrange(grantKey(grantId), 0, -1);
    const multi = this.#redis.multi();
    for (const key of keys) multi.del(key);
    multi.del(grantKey(grantId));
    await multi.exec();
  }

  async consume(id: string): Promise<void> {
    await this.#redis.hset(this.#key(id), 'consumed', Math.floor(Date.now() / 1000));
  }

  #key(id: string): string {
    return `${this.#name}:${id}`;
  }
}

function setWithExpiry(multi: ChainableCommander, key: string, value: string, expiresIn: number | undefined): void {
  if (expiresIn) multi.set(key, value, 'EX', expiresIn);
  else multi.set(key, value);
}
