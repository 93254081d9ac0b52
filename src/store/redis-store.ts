import { Cluster, Redis, type RedisOptions, ReplyError } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterRedis } from 'rate-limiter-flexible';

import { StoreUnavailableError } from '../errors.ts';
import { REPLICA_ACKNOWLEDGEMENT_TIMEOUT_MS } from '../limits.ts';
import { BullJobQueue } from './bullmq-job-queue.ts';
import type { JobHandlers, JobQueue, RetryPolicy } from './job-queue.ts';
import type {
  KeyValueStore, SortedSetPosition, StreamAppendOptions, StreamEntry, StreamReadOptions, Write, WriteConditions,
} from './key-value-store.ts';
import { RateLimiter, type RateLimitRule } from './rate-limiter.ts';

/**
 * The production store. Composite operations run as Lua scripts so they are atomic and cost one
 * round trip. On Redis Cluster every key a script touches shares a hash slot: all keys of one
 * tenant carry the tag `{tenantId}` (see keys.ts).
 */

/** Where Redis is: one server, a Cluster, or the primary that Sentinels name (followed through failovers). */
export type RedisEndpoint =
  | { url: string }
  | { clusterNodes: { host: string; port: number }[] }
  | { sentinels: { host: string; port: number }[]; sentinelName: string };

/**
 * waitReplicas: after a batch that writes a durable record, `WAIT` until this many replicas have
 * it (0: do not wait). Not on Cluster, where WAIT would have to follow the key to its node.
 */
export type RedisTarget = RedisEndpoint & { waitReplicas?: number };

/** How long one command may take before the caller gets a 503 instead of a hanging request. */
const COMMAND_TIMEOUT_MS = 3_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** Members of one score read per round trip while looking for a cursor's place among them. */
const SAME_SCORE_CHUNK = 100;
/** Reconnect forever, backing off to at most this delay. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * KEYS: every key the batch touches. ARGV[1]: JSON `{absent, present, versions, writes}` where keys
 * are referred to by their index in KEYS (Lua tables count from 1). A `versions` entry `{k, v}`
 * holds when KEYS[k] is a JSON record whose `version` is v (0 when it has none): compare-and-set.
 */
const WRITE_SCRIPT = `
local spec = cjson.decode(ARGV[1])
for _, i in ipairs(spec.absent) do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for _, i in ipairs(spec.present) do
  if redis.call('EXISTS', KEYS[i]) == 0 then return 0 end
end
for _, c in ipairs(spec.versions) do
  local stored = redis.call('GET', KEYS[c.k])
  if not stored then return 0 end
  local version = cjson.decode(stored).version
  if type(version) ~= 'number' then version = 0 end
  if version ~= c.v then return 0 end
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

/**
 * Appends to an activity stream and keeps it bounded: entries older than ARGV[1] (exact MINID)
 * go, the key lives ARGV[3] ms past its last entry, and at most about ARGV[4] entries stay
 * (approximate: Redis trims whole nodes, cheaply; a safety net, not a count). One command rather
 * than a MULTI, so auto-pipelining sends it in the same socket write as the rest of the request's
 * commands (a MULTI is a write of its own).
 */
const STREAM_APPEND_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MINID', '=', ARGV[1], ARGV[2], unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[4])
return id
`;

interface Scripts {
  guestIdpWrite(keyCount: number, ...keysAndSpec: string[]): Promise<number>;
  guestIdpStreamAppend(keyCount: number, key: string, ...minIdIdTtlCapAndFields: string[]): Promise<string>;
  guestIdpDeleteSetsAndMembers(keyCount: number, ...setKeys: string[]): Promise<number>;
  guestIdpHashIncrement(keyCount: number, key: string, field: string): Promise<string[] | null>;
}

type Client = Redis | Cluster;

/** Replication safety of durable records: a connection of their own, and how many replicas must have them. */
interface DurableWrites {
  /**
   * WAIT blocks the connection it is sent on, and counts only that connection's writes: durable
   * batches and their WAIT get a connection of their own, so a lagging replica slows those few
   * writes and not every read and session write of the process.
   */
  client: Redis;
  scripts: Scripts;
  replicas: number;
  log: Logger | undefined;
}

export class RedisStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  readonly #client: Client;
  readonly #scripts: Scripts;
  readonly #durable: DurableWrites | undefined;
  readonly #unavailableListeners: Array<() => void> = [];

  private constructor(client: Client, durable?: Omit<DurableWrites, 'scripts'>) {
    this.#client = client;
    this.#scripts = defineScripts(client);
    this.#durable = durable && { ...durable, scripts: defineScripts(durable.client) };
  }

  /**
   * Connects and resolves once Redis answers; rejects with a clear message when it does not.
   * Connection trouble afterwards goes to `log` once per outage, and its end once (ConnectionLog).
   */
  static async connect(target: RedisTarget, log?: Logger): Promise<RedisStore> {
    const options: ClientOptions = {
      lazyConnect: true,
      // Fail fast while disconnected: a request gets a 503 now rather than a timeout later.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
      // Commands issued in the same tick (a request's independent reads, several requests at once)
      // leave in one socket write: on this path a write costs more CPU than the command it carries.
      enableAutoPipelining: true,
    };
    const client = createClient(target, options);
    const waitReplicas = target.waitReplicas ?? 0;
    const durableClient = waitReplicas > 0 && client instanceof Redis ? client.duplicate() : undefined;
    const clients = durableClient ? [client, durableClient] : [client];
    // ioredis reports every failed reconnect as an 'error' event (an unhandled one would crash the
    // process); callers see the failures as StoreUnavailableError, the operator in the log.
    const connectionLog = new ConnectionLog(log);
    client.on('error', (error: Error) => connectionLog.failed(error));
    client.on('ready', () => connectionLog.ready());
    // The durable-write connection goes to the same server: its outages are the one logged above.
    if (durableClient) durableClient.on('error', () => {});
    try {
      await connectWithin(clients, CONNECT_TIMEOUT_MS);
    } catch (cause) {
      for (const each of clients) each.disconnect();
      throw new StoreUnavailableError(cause);
    }
    return new RedisStore(client, durableClient && { client: durableClient, replicas: waitReplicas, log });
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

  async sortedSetRangeAfter(key: string, after: SortedSetPosition | undefined, count: number): Promise<SortedSetPosition[]> {
    if (count <= 0) return [];
    const found: SortedSetPosition[] = [];
    if (after) {
      // Members with the cursor's own score come first, in byte order; only those after it count.
      // Several share a score only when created in the same millisecond, so this is mostly one call.
      for (let offset = 0; found.length < count; offset += SAME_SCORE_CHUNK) {
        const score = String(after.score);
        const members = await this.#call(() => this.#client.zrangebyscore(key, score, score, 'LIMIT', offset, SAME_SCORE_CHUNK));
        for (const member of members) {
          if (Buffer.compare(Buffer.from(member), Buffer.from(after.member)) > 0) found.push({ member, score: after.score });
        }
        if (members.length < SAME_SCORE_CHUNK) break;
      }
      if (found.length >= count) return found.slice(0, count);
    }
    const from = after ? `(${after.score}` : '-inf';
    const flat = await this.#call(() => this.#client.zrangebyscore(key, from, '+inf', 'WITHSCORES', 'LIMIT', 0, count - found.length));
    for (let index = 0; index < flat.length; index += 2) found.push({ member: flat[index] as string, score: Number(flat[index + 1]) });
    return found;
  }

  /**
   * XADD with exact MINID trimming, PEXPIRE and a MAXLEN cap in one MULTI: one key, so one slot on a Cluster. The
   * trim is by the new entry's time (the server's own for `*`), so processes' clocks do not matter
   * for the order of entries; retention is days, so their small skew does not matter for trimming.
   */
  async streamAppend(key: string, fields: Record<string, string>, { retentionMs, maxEntries, timestampMs }: StreamAppendOptions): Promise<string> {
    const at = timestampMs ?? Date.now();
    const id = timestampMs === undefined ? '*' : `${Math.floor(timestampMs)}-*`;
    return this.#call(() => this.#scripts.guestIdpStreamAppend(
      1, key, String(Math.floor(at - retentionMs)), id, String(Math.ceil(retentionMs)), String(maxEntries), ...Object.entries(fields).flat(),
    ));
  }

  async streamReadNewestFirst(key: string, { before, notBeforeMs, count }: StreamReadOptions): Promise<StreamEntry[]> {
    if (count <= 0) return [];
    const end = before === undefined ? '+' : `(${before}`;
    const start = notBeforeMs === undefined ? '-' : String(Math.max(0, Math.floor(notBeforeMs)));
    const entries = await this.#call(() => this.#client.xrevrange(key, end, start, 'COUNT', count));
    return entries.map(([id, flat]) => {
      const fields: Record<string, string> = {};
      for (let index = 0; index < flat.length; index += 2) fields[flat[index] as string] = flat[index + 1] as string;
      return { id, fields };
    });
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
      versions: (conditions.versions ?? []).map(({ key, version }) => ({ k: indexOf(key), v: version })),
      writes: writes.filter(isEffective).map((write) => encodeWrite(write, indexOf(write.key))),
    };
    if (keys.length === 0) return true;
    const durable = this.#durable && writes.some(isDurable) ? this.#durable : undefined;
    const scripts = durable?.scripts ?? this.#scripts;
    const applied = await this.#call(() => scripts.guestIdpWrite(keys.length, ...keys, JSON.stringify(spec)));
    if (applied === 1 && durable) await this.#awaitReplicas(durable);
    return applied === 1;
  }

  /**
   * WAIT until enough replicas have this connection's writes. When they do not within the timeout,
   * the write stands (it is on the primary, readers already see it, and answering 503 would invite
   * a retry of something done) but is logged: a failover right now would lose it. Operators who
   * rather refuse writes while replicas are missing set `min-replicas-to-write` on the primary,
   * which makes Redis answer NOREPLICAS, a 503 here.
   */
  async #awaitReplicas(durable: DurableWrites): Promise<void> {
    const acknowledged = await this.#call(() => durable.client.wait(durable.replicas, REPLICA_ACKNOWLEDGEMENT_TIMEOUT_MS));
    if (acknowledged < durable.replicas) {
      durable.log?.warn(
        { acknowledged, wanted: durable.replicas, timeoutMs: REPLICA_ACKNOWLEDGEMENT_TIMEOUT_MS },
        'durable write not acknowledged by enough replicas: it is on the primary only until they catch up',
      );
    }
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

  /**
   * BullMQ on connections of its own, copied from the store's (so Cluster and Sentinel settings
   * carry over): one that fails fast for adding jobs, one that waits out outages for the worker.
   */
  jobQueue<T>(keyPrefix: string, handlers: JobHandlers<T>, policy: RetryPolicy, concurrency: number): JobQueue<T> {
    // BullMQ paces its own commands (and blocks a connection while it waits for jobs): no auto-pipelining there.
    const producer = duplicate(this.#client, { lazyConnect: false, enableAutoPipelining: false });
    const consumer = duplicate(this.#client, { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined, enableAutoPipelining: false });
    const separator = keyPrefix.lastIndexOf(':');
    return new BullJobQueue(keyPrefix.slice(separator + 1), keyPrefix.slice(0, separator), { producer, consumer }, handlers, policy, concurrency);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const nodes = this.#client instanceof Cluster ? this.#client.nodes('master') : [this.#client];
    let deleted = 0;
    for (const node of nodes) {
      const stream = node.scanStream({ match: `${escapeGlob(prefix)}*`, count: 500 });
      for await (const batch of stream as AsyncIterable<string[]>) {
        if (batch.length === 0) continue;
        // One UNLINK per key on a Cluster: keys of several tenants span hash slots (CROSSSLOT).
        deleted += this.#client instanceof Cluster
          ? (await this.#call(() => node.pipeline(batch.map((key) => ['unlink', key])).exec()) ?? []).reduce((sum, [, removed]) => sum + Number(removed), 0)
          : await this.#call(() => node.unlink(...batch));
      }
    }
    return deleted;
  }

  onUnavailable(listener: () => void): void {
    this.#unavailableListeners.push(listener);
  }

  async ping(): Promise<void> {
    await this.#call(() => this.#client.ping());
  }

  async close(): Promise<void> {
    await Promise.all([this.#client, ...(this.#durable ? [this.#durable.client] : [])].map(async (client) => {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    }));
  }

  /** Runs a command; a connection problem becomes StoreUnavailableError (503), a bug stays a bug. */
  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (!isUnavailability(error)) throw error;
      for (const listener of this.#unavailableListeners) listener();
      throw new StoreUnavailableError(error);
    }
  }
}

/**
 * Logs Redis connection trouble without flooding: ioredis emits an error for every failed
 * reconnect (every 200 ms to 2 s while Redis is down), but an operator needs one line when the
 * connection is lost and one when it is back, with how many failures happened in between. Lines
 * carry the error's code and message only: ioredis messages name host and port, never the
 * password of a REDIS_URL.
 */
export class ConnectionLog {
  readonly #log: Logger | undefined;
  #failuresSinceReady = 0;
  #outageStartedAt = 0;

  constructor(log: Logger | undefined) {
    this.#log = log;
  }

  failed(error: Error): void {
    this.#failuresSinceReady += 1;
    if (this.#failuresSinceReady > 1) return;
    this.#outageStartedAt = Date.now();
    this.#log?.error({ redisError: describe(error) }, 'Redis connection failed; requests that need the store get 503 until it is back');
  }

  ready(): void {
    if (this.#failuresSinceReady === 0) return;
    this.#log?.info(
      { failures: this.#failuresSinceReady, outageMs: Date.now() - this.#outageStartedAt },
      'Redis connection restored',
    );
    this.#failuresSinceReady = 0;
  }
}

function describe(error: Error): { code?: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { ...(typeof code === 'string' ? { code } : {}), message: withoutCredentials(error.message) };
}

/** Belt and braces: a URL with user info in an error message loses it before it is logged. */
function withoutCredentials(message: string): string {
  return message.replace(/(rediss?:\/\/)[^@\s/]*@/g, '$1[redacted]@');
}

interface ClientOptions extends RedisOptions {
  retryStrategy: (attempt: number) => number;
}

function createClient(target: RedisTarget, options: ClientOptions): Client {
  if ('clusterNodes' in target) {
    // Not on a Cluster: ioredis's cluster auto-pipelining fails under load with "All keys in the
    // pipeline should belong to the same slots allocation group" (seen at 48 sign-ins in flight).
    return new Cluster(target.clusterNodes, { lazyConnect: true, enableOfflineQueue: false, redisOptions: { ...options, enableAutoPipelining: false } });
  }
  if ('url' in target) return new Redis(target.url, options);
  return new Redis({
    ...options,
    sentinels: target.sentinels,
    name: target.sentinelName,
    // Ask the sentinels again at once when they announce a new primary, not at the next reconnect.
    failoverDetector: true,
    sentinelRetryStrategy: options.retryStrategy,
    sentinelCommandTimeout: COMMAND_TIMEOUT_MS,
  });
}

function defineScripts(client: Client): Scripts {
  client.defineCommand('guestIdpWrite', { lua: WRITE_SCRIPT });
  client.defineCommand('guestIdpDeleteSetsAndMembers', { lua: DELETE_SETS_AND_MEMBERS_SCRIPT });
  client.defineCommand('guestIdpHashIncrement', { lua: HASH_INCREMENT_SCRIPT });
  client.defineCommand('guestIdpStreamAppend', { lua: STREAM_APPEND_SCRIPT });
  return client as unknown as Scripts;
}

/**
 * Connects every client, or fails after timeoutMs: with Sentinel, ioredis keeps asking unreachable
 * sentinels forever, and start-up must end with a clear line instead.
 */
async function connectWithin(clients: Client[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(clients.map((client) => client.connect())), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A batch that writes a record without a lifetime (tenants, clients, users, identity providers,
 * signing keys) or changes an index of them: it must survive a failover once confirmed. Batches of
 * expiring state (sessions, codes, sign-in steps) are not waited for.
 */
function isDurable(write: Write): boolean {
  switch (write.type) {
    case 'set':
    case 'setAdd':
      return write.ttlSeconds === undefined;
    case 'setRemove':
    case 'sortedSetAdd':
    case 'sortedSetRemove':
      return true;
    default:
      return false;
  }
}

/** A new client like `client`, with some connection options changed. */
function duplicate(client: Client, overrides: Record<string, unknown>): Client {
  if (client instanceof Cluster) {
    const { enableOfflineQueue, lazyConnect, enableAutoPipelining, ...redisOptions } = overrides;
    return client.duplicate([], {
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue: enableOfflineQueue as boolean }),
      ...(lazyConnect === undefined ? {} : { lazyConnect: lazyConnect as boolean }),
      ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining: enableAutoPipelining as boolean }),
      redisOptions,
    });
  }
  return client.duplicate(overrides);
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
