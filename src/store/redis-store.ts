import { Cluster, Redis, ReplyError } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

import { StoreUnavailableError } from '../errors.ts';
import type { KeyValueStore, SortedSetPage, Write, WriteConditions } from './key-value-store.ts';
import { RateLimiter, type RateLimitRule } from './rate-limiter.ts';

/**
 * The production store. Composite operations run as Lua scripts so they are atomic and cost one
 * round trip. On Redis Cluster every key a script touches shares a hash slot: all keys of one
 * tenant carry the tag `{tenantId}` (see keys.ts).
 */

export type RedisTarget = { url: string } | { clusterNodes: { host: string; port: number }[] };

/** How long one command may take before the caller gets a 503 instead of a hanging request. */
const COMMAND_TIMEOUT_MS = 3_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** Reconnect forever, backing off to at most this delay. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * KEYS: every key the batch touches. ARGV[1]: JSON `{absent, present, writes}` where keys are
 * referred to by their index in KEYS (Lua tables count from 1).
 */
const WRITE_SCRIPT = `
local spec = cjson.decode(ARGV[1])
for _, i in ipairs(spec.absent) do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for _, i in ipairs(spec.present) do
  if redis.call('EXISTS', KEYS[i]) == 0 then return 0 end
end
for _, w in ipairs(spec.writes) do
  local key = KEYS[w.k]
  if w.t == 'set' then
    if w.ttl then redis.call('SET', key, w.v, 'EX', w.ttl) else redis.call('SET', key, w.v) end
  elseif w.t == 'delete' then
    redis.call('DEL', key)
  elseif w.t == 'hashSet' then
    redis.call('HSET', key, unpack(w.f))
    if w.ttl then redis.call('EXPIRE', key, w.ttl) end
  elseif w.t == 'setAdd' then
    redis.call('SADD', key, unpack(w.m))
    if w.ttl then
      local current = redis.call('TTL', key)
      if current == -1 or current < w.ttl then redis.call('EXPIRE', key, w.ttl) end
    end
  elseif w.t == 'setRemove' then
    redis.call('SREM', key, unpack(w.m))
  elseif w.t == 'sortedSetAdd' then
    redis.call('ZADD', key, w.s, w.m)
  elseif w.t == 'sortedSetRemove' then
    redis.call('ZREM', key, w.m)
  end
end
return 1
`;

const DELETE_SETS_AND_MEMBERS_SCRIPT = `
for _, setKey in ipairs(KEYS) do
  for _, key in ipairs(redis.call('SMEMBERS', setKey)) do redis.call('DEL', key) end
  redis.call('DEL', setKey)
end
return 1
`;

const HASH_INCREMENT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return redis.call('HGETALL', KEYS[1])
`;

interface Scripts {
  guestIdpWrite(keyCount: number, ...keysAndSpec: string[]): Promise<number>;
  guestIdpDeleteSetsAndMembers(keyCount: number, ...setKeys: string[]): Promise<number>;
  guestIdpHashIncrement(keyCount: number, key: string, field: string): Promise<string[] | null>;
}

type Client = Redis | Cluster;

export class RedisStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  readonly #client: Client;
  readonly #scripts: Scripts;

  private constructor(client: Client) {
    this.#client = client;
    client.defineCommand('guestIdpWrite', { lua: WRITE_SCRIPT });
    client.defineCommand('guestIdpDeleteSetsAndMembers', { lua: DELETE_SETS_AND_MEMBERS_SCRIPT });
    client.defineCommand('guestIdpHashIncrement', { lua: HASH_INCREMENT_SCRIPT });
    this.#scripts = client as unknown as Scripts;
  }

  /** Connects and resolves once Redis answers; rejects with a clear message when it does not. */
  static async connect(target: RedisTarget): Promise<RedisStore> {
    const options = {
      lazyConnect: true,
      // Fail fast while disconnected: a request gets a 503 now rather than a timeout later.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
    };
    const client: Client = 'url' in target
      ? new Redis(target.url, options)
      : new Cluster(target.clusterNodes, { lazyConnect: true, enableOfflineQueue: false, redisOptions: options });
    // ioredis reports every failed reconnect as an 'error' event; the failures reach callers as
    // StoreUnavailableError, so an unhandled-event crash must not happen here.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (cause) {
      client.disconnect();
      throw new StoreUnavailableError(cause);
    }
    return new RedisStore(client);
  }

  get(key: string): Promise<string | null> {
    return this.#call(() => this.#client.get(key));
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    return this.#call(() => this.#client.mget(keys));
  }

  async hashGetAll(key: string): Promise<Record<string, string> | null> {
    const fields = await this.#call(() => this.#client.hgetall(key));
    return Object.keys(fields).length === 0 ? null : fields;
  }

  setMembers(key: string): Promise<string[]> {
    return this.#call(() => this.#client.smembers(key));
  }

  async sortedSetRange(key: string, offset: number, count: number): Promise<SortedSetPage> {
    if (count <= 0) return { members: [], total: await this.#call(() => this.#client.zcard(key)) };
    const [members, total] = await this.#call(() => Promise.all([
      this.#client.zrange(key, String(offset), String(offset + count - 1)),
      this.#client.zcard(key),
    ]));
    return { members, total };
  }

  async timeToLive(key: string): Promise<number | null> {
    const seconds = await this.#call(() => this.#client.ttl(key));
    return seconds < 0 ? null : seconds;
  }

  async write(writes: Write[], conditions: WriteConditions = {}): Promise<boolean> {
    const keys: string[] = [];
    const indexOf = (key: string): number => {
      const found = keys.indexOf(key);
      if (found >= 0) return found + 1;
      keys.push(key);
      return keys.length;
    };
    const spec = {
      absent: (conditions.absent ?? []).map(indexOf),
      present: (conditions.present ?? []).map(indexOf),
      writes: writes.filter(isEffective).map((write) => encodeWrite(write, indexOf(write.key))),
    };
    if (keys.length === 0) return true;
    const applied = await this.#call(() => this.#scripts.guestIdpWrite(keys.length, ...keys, JSON.stringify(spec)));
    return applied === 1;
  }

  async deleteSetsAndMembers(setKeys: string[]): Promise<void> {
    if (setKeys.length === 0) return;
    await this.#call(() => this.#scripts.guestIdpDeleteSetsAndMembers(setKeys.length, ...setKeys));
  }

  getAndDelete(key: string): Promise<string | null> {
    return this.#call(() => this.#client.getdel(key));
  }

  async hashIncrement(key: string, field: string): Promise<Record<string, string> | null> {
    const flat = await this.#call(() => this.#scripts.guestIdpHashIncrement(1, key, field));
    if (!flat) return null;
    const fields: Record<string, string> = {};
    for (let index = 0; index < flat.length; index += 2) fields[flat[index] as string] = flat[index + 1] as string;
    return fields;
  }

  rateLimiter(keyPrefix: string, rule: RateLimitRule): RateLimiter {
    return new RateLimiter(new RateLimiterRedis({
      storeClient: this.#client,
      rejectIfRedisNotReady: true,
      keyPrefix,
      points: rule.points,
      duration: rule.durationSeconds,
      blockDuration: rule.blockSeconds ?? 0,
    }));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const nodes = this.#client instanceof Cluster ? this.#client.nodes('master') : [this.#client];
    let deleted = 0;
    for (const node of nodes) {
      const stream = node.scanStream({ match: `${escapeGlob(prefix)}*`, count: 500 });
      for await (const batch of stream as AsyncIterable<string[]>) {
        if (batch.length > 0) deleted += await this.#call(() => node.unlink(...batch));
      }
    }
    return deleted;
  }

  async ping(): Promise<void> {
    await this.#call(() => this.#client.ping());
  }

  async close(): Promise<void> {
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

  /** Runs a command; a connection problem becomes StoreUnavailableError (503), a bug stays a bug. */
  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw isUnavailability(error) ? new StoreUnavailableError(error) : error;
    }
  }
}

/** Replies that mean "Redis is there but cannot serve now", as opposed to a programming error. */
const UNAVAILABLE_REPLIES = /^(LOADING|OOM|READONLY|CLUSTERDOWN|MASTERDOWN|TRYAGAIN|BUSY|NOREPLICAS)\b/;

function isUnavailability(error: unknown): boolean {
  if (error instanceof ReplyError) return UNAVAILABLE_REPLIES.test((error as Error).message);
  return true;
}

/** A write that changes nothing is left out: Redis rejects SADD/SREM without members. */
function isEffective(write: Write): boolean {
  return !((write.type === 'setAdd' || write.type === 'setRemove') && write.members.length === 0);
}

function encodeWrite(write: Write, keyIndex: number): Record<string, unknown> {
  switch (write.type) {
    case 'set':
      return { t: write.type, k: keyIndex, v: write.value, ttl: ttl(write.ttlSeconds) };
    case 'delete':
      return { t: write.type, k: keyIndex };
    case 'hashSet':
      return { t: write.type, k: keyIndex, f: Object.entries(write.fields).flat(), ttl: ttl(write.ttlSeconds) };
    case 'setAdd':
      return { t: write.type, k: keyIndex, m: write.members, ttl: ttl(write.ttlSeconds) };
    case 'setRemove':
      return { t: write.type, k: keyIndex, m: write.members };
    case 'sortedSetAdd':
      return { t: write.type, k: keyIndex, m: write.member, s: String(write.score) };
    case 'sortedSetRemove':
      return { t: write.type, k: keyIndex, m: write.member };
  }
}

/** Redis takes whole seconds of at least 1 (EX 0 is an error). */
function ttl(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.max(1, Math.ceil(seconds));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
