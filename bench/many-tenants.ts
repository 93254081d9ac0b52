import { once } from 'node:events';
import { createServer } from 'node:http';

import { Redis } from 'ioredis';

import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { RedisStore } from '../src/store/redis-store.ts';
import { generateInitialSigningKeys } from '../src/tenants/signing-keys.ts';
import { startOwnRedis, type OwnRedis } from '../test/support/redis-server.ts';
import { startSmtpListener } from '../test/support/smtp.ts';
import { emailOtpSignIn, login } from './support/logins.ts';
import { percentile } from './support/percentiles.ts';
import { grownBy, keyMemory, totalBytes, type KeyMemory } from './support/redis-key-memory.ts';

/**
 * Many tenants in one process: BENCH_TENANTS (10,000) tenants created through the admin API, then
 * the first discovery (and JWKS) of every one of them, cold (its Provider is built and its keys
 * unsealed) with the Provider LRU at its default size, then warm again for the tenants still in the
 * LRU. Reports creation cost, cold and warm latency, the process's memory with the LRU full (after
 * forced GC; run with --expose-gc), and Redis memory per tenant, per invited guest and per signed-in
 * guest, summed key by key.
 *
 * Standalone: `node_modules/.bin/node --expose-gc bench/many-tenants.ts` (starts its own
 * redis-server unless REDIS_URL is given). Human lines go to stderr as it runs; the last thing it
 * does is print one JSON line on stdout, which is what bench/run.ts waits for.
 */
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
/** Tenant creations in flight: key generation runs on libuv's 4 threads, so more than that only queues. */
const CREATE_CONCURRENCY = Number(process.env.BENCH_TENANT_CONCURRENCY ?? 4);
/** Key sets generated apart from any request, to tell key generation from the rest of a creation. */
const KEY_SETS_ALONE = 20;
const INVITED_GUESTS = 100;
const SIGNED_IN_GUESTS = 10;
/** The budget the speed issue sets for a process holding this many tenants. */
const MEMORY_BUDGET_BYTES = 512 * 1024 * 1024;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdefghijkl';
const REDIRECT_URI = 'https://bench-app.example/callback';
/**
 * The keys that live as long as a guest stays signed in: oidc-provider's session, grant and tokens
 * (models by name), and our indexes of them. The rest of what a sign-in writes (its code, its
 * state, rate-limit counters, the code mail's job) expires within the hour or is not per session.
 */
const SESSION_KINDS = new Set(['Session', 'session-uid', 'Grant', 'grant-tokens', 'AccessToken', 'RefreshToken', 'IdToken', 'account-artifacts']);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const began = process.hrtime.bigint();
const say = (line: string) => process.stderr.write(`${line}\n`);
const elapsedMs = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;
const cpuMs = () => { const usage = process.cpuUsage(); return (usage.user + usage.system) / 1000; };
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const memoryAfterGc = () => { gc(); gc(); const { rss, heapUsed, external } = process.memoryUsage(); return { rss, heapUsed, external }; };

/** Runs `work` over `items` with `concurrency` at a time, in order of the items. */
async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Milliseconds a GET takes to its last byte; anything but 200 stops the bench. */
async function timedGet(url: string): Promise<number> {
  const sent = process.hrtime.bigint();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return elapsedMs(sent);
}

const ownRedis: OwnRedis | undefined = process.env.REDIS_URL ? undefined : await startOwnRedis();
// A run stopped half-way (Ctrl-C) takes its own redis-server with it, which would outlive it.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void ownRedis?.remove().finally(() => process.exit(1)); });
}
const redisUrl = process.env.REDIS_URL ?? ownRedis!.url;
const redis = new Redis(redisUrl);
const smtp = await startSmtpListener();

const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };
const config = loadConfig({
  BASE_URL: `http://127.0.0.1:${port}`,
  ADMIN_TOKEN,
  LOG_LEVEL: 'silent',
  SMTP_URL: smtp.url,
  // Every bench sign-in comes from 127.0.0.1.
  OTP_SEND_LIMIT_PER_IP: '1000000',
});
const store = await RedisStore.connect({ url: redisUrl });
const namespace = `gi-bench-tenants-${process.pid}`;
const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: namespace });
server.on('request', idp.app.callback());
const base = config.baseUrl;

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}/admin${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json() as Record<string, unknown>;
  if (response.status !== 201) throw new Error(`POST /admin${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}
const discoveryOf = (tenantId: string) => `${base}/${tenantId}/v2.0/.well-known/openid-configuration`;

let result: unknown;
try {
  say(`many tenants: ${TENANTS} tenants through the admin API (${CREATE_CONCURRENCY} at a time), Provider LRU of ${config.providerCacheSize}; Node ${process.version}`);

  // One tenant through every path first, so code loading and first-use caches are not counted per tenant.
  await admin('/tenants', { id: 'warm-up', displayName: 'Warm up', verifiedDomains: ['warm-up.example'] });
  const jwksPath = new URL((await (await fetch(discoveryOf('warm-up'))).json() as { jwks_uri: string }).jwks_uri).pathname.replace('/warm-up/v2.0', '');
  const jwksUrl = (tenantId: string) => `${base}/${tenantId}/v2.0${jwksPath}`;
  await timedGet(jwksUrl('warm-up'));

  // --- creation --------------------------------------------------------------------------------
  // What a new tenant's keys cost alone (two RSA-2048 and two P-256 key pairs), CPU of every thread.
  const keysCpu = cpuMs();
  for (let index = 0; index < KEY_SETS_ALONE; index += 1) await generateInitialSigningKeys(new Date());
  const keyGenerationCpuMs = (cpuMs() - keysCpu) / KEY_SETS_ALONE;
  const ids = Array.from({ length: TENANTS }, (_, index) => `tenant-${index}`);
  const memoryAtStart = memoryAfterGc();
  const redisBefore = await keyMemory(redis, namespace);
  const createLatencies: number[] = [];
  const createStart = process.hrtime.bigint();
  const createCpu = cpuMs();
  await pool(ids, CREATE_CONCURRENCY, async (id, index) => {
    const sent = process.hrtime.bigint();
    await admin('/tenants', { id, displayName: `Tenant ${index}`, verifiedDomains: [`${id}.example`] });
    createLatencies.push(elapsedMs(sent));
    if ((index + 1) % Math.max(1, Math.floor(TENANTS / 10)) === 0) say(`  created ${index + 1} tenants in ${(elapsedMs(createStart) / 1000).toFixed(0)} s`);
  });
  const creation = {
    seconds: elapsedMs(createStart) / 1000,
    cpuMsPerTenant: (cpuMs() - createCpu) / TENANTS,
    keyGenerationCpuMs,
    p50Ms: percentile(createLatencies, 50),
    p99Ms: percentile(createLatencies, 99),
  };
  const redisTenants = grownBy(redisBefore, await keyMemory(redis, namespace));
  const redisBytesPerTenant = totalBytes(redisTenants) / TENANTS;
  say(`created ${TENANTS} tenants in ${creation.seconds.toFixed(1)} s: ${(creation.seconds * 1000 / TENANTS).toFixed(1)} ms wall and ${creation.cpuMsPerTenant.toFixed(1)} ms CPU per tenant (p50 ${creation.p50Ms.toFixed(0)} ms, p99 ${creation.p99Ms.toFixed(0)} ms per request with ${CREATE_CONCURRENCY} in flight); its keys alone (2 RSA-2048, 2 P-256) take ${keyGenerationCpuMs.toFixed(1)} ms CPU`);
  say(`Redis per tenant: ${redisBytesPerTenant.toFixed(0)} bytes (${describe(redisTenants, TENANTS)})`);

  // --- first discovery of every tenant (cold), one at a time so each latency is its own --------
  const memoryBefore = memoryAfterGc();
  const coldDiscovery: number[] = [];
  const firstJwks: number[] = [];
  const rssAlong: number[] = [];
  const coldStart = process.hrtime.bigint();
  const coldCpu = cpuMs();
  for (const [index, id] of ids.entries()) {
    coldDiscovery.push(await timedGet(discoveryOf(id)));
    firstJwks.push(await timedGet(jwksUrl(id)));
    if ((index + 1) % Math.max(1, Math.floor(TENANTS / 10)) === 0) {
      rssAlong.push(memoryAfterGc().rss);
    }
  }
  const coldCpuMs = (cpuMs() - coldCpu) / TENANTS;
  const coldSeconds = elapsedMs(coldStart) / 1000;

  // --- again for the tenants still in the LRU (warm) --------------------------------------------
  const warmIds = ids.slice(-Math.min(config.providerCacheSize, TENANTS));
  const warmDiscovery: number[] = [];
  const warmJwks: number[] = [];
  const warmCpu = cpuMs();
  for (const id of warmIds) {
    warmDiscovery.push(await timedGet(discoveryOf(id)));
    warmJwks.push(await timedGet(jwksUrl(id)));
  }
  const warmCpuMs = (cpuMs() - warmCpu) / warmIds.length;
  const memoryFull = memoryAfterGc();
  const providersBuilt = idp.providers.size;

  const latency = (values: number[]) => ({ p50Ms: percentile(values, 50), p99Ms: percentile(values, 99) });
  const discovery = {
    cold: { ...latency(coldDiscovery), cpuMsPerTenant: coldCpuMs },
    firstJwks: latency(firstJwks),
    warm: { ...latency(warmDiscovery), cpuMsPerTenant: warmCpuMs },
    warmJwks: latency(warmJwks),
    seconds: coldSeconds,
  };
  say(`first discovery of a cold tenant (builds its Provider, unseals its keys): p50 ${discovery.cold.p50Ms.toFixed(2)} ms, p99 ${discovery.cold.p99Ms.toFixed(2)} ms; ${coldCpuMs.toFixed(2)} ms CPU per tenant with its JWKS (server and bench client in one process)`);
  say(`  its JWKS right after: p50 ${discovery.firstJwks.p50Ms.toFixed(2)} ms, p99 ${discovery.firstJwks.p99Ms.toFixed(2)} ms`);
  say(`warm tenant (Provider in the LRU), ${warmIds.length} tenants: discovery p50 ${discovery.warm.p50Ms.toFixed(2)} ms, p99 ${discovery.warm.p99Ms.toFixed(2)} ms; JWKS p50 ${discovery.warmJwks.p50Ms.toFixed(2)} ms, p99 ${discovery.warmJwks.p99Ms.toFixed(2)} ms; ${warmCpuMs.toFixed(2)} ms CPU per tenant with its JWKS`);
  say(`process memory with ${TENANTS} tenants and the LRU full (${providersBuilt} Providers), after GC: RSS ${mib(memoryFull.rss)} MiB (${memoryFull.rss < MEMORY_BUDGET_BYTES ? 'under' : 'OVER'} the 512 MiB budget), heap ${mib(memoryFull.heapUsed)} MiB`);
  const heapPerProvider = (memoryFull.heapUsed - memoryBefore.heapUsed) / providersBuilt;
  say(`  heap per built Provider: ${(heapPerProvider / 1024).toFixed(0)} KiB (heap growth over the discoveries, divided by the Providers the LRU holds)`);
  say(`  after GC at start (one tenant): RSS ${mib(memoryAtStart.rss)} MiB, heap ${mib(memoryAtStart.heapUsed)} MiB; after creating the tenants: RSS ${mib(memoryBefore.rss)} MiB, heap ${mib(memoryBefore.heapUsed)} MiB; RSS after every tenth of the first discoveries ${rssAlong.map(mib).join(', ')} MiB`);

  // --- guests: invitations, then sign-ins ------------------------------------------------------
  const guestTenant = 'tenant-0';
  const app = await admin(`/tenants/${guestTenant}/clients`, {
    client_name: 'Bench app', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none',
  });
  const emails = Array.from({ length: INVITED_GUESTS }, (_, index) => `bench-guest-${index}@partner.example`);
  const beforeGuests = await keyMemory(redis, namespace);
  for (const email of emails) {
    await admin(`/tenants/${guestTenant}/invitations`, { invitedUserEmailAddress: email, inviteRedirectUrl: 'https://bench-app.example/', sendInvitationMessage: false });
  }
  const guestKeys = grownBy(beforeGuests, await keyMemory(redis, namespace));
  say(`Redis per invited guest: ${(totalBytes(guestKeys) / INVITED_GUESTS).toFixed(0)} bytes (${describe(guestKeys, INVITED_GUESTS)})`);

  const info = { issuer: `${base}/${guestTenant}/v2.0`, appClientId: app.client_id as string, redirectUri: REDIRECT_URI };
  const beforeSessions = await keyMemory(redis, namespace);
  for (const email of emails.slice(0, SIGNED_IN_GUESTS)) await login(info, emailOtpSignIn(email, smtp));
  const sessionKeys = grownBy(beforeSessions, await keyMemory(redis, namespace));
  const liveSession = new Map([...sessionKeys].filter(([kind]) => SESSION_KINDS.has(kind)));
  const leftBySignIn = new Map([...sessionKeys].filter(([kind]) => !SESSION_KINDS.has(kind)));
  say(`Redis per live session (one signed-in guest's session, grant and tokens): ${(totalBytes(liveSession) / SIGNED_IN_GUESTS).toFixed(0)} bytes (${describe(liveSession, SIGNED_IN_GUESTS)})`);
  say(`  and what the sign-in changed besides (its code, its state, rate-limit counters expire within the hour; the mail queue's share is BullMQ's event stream, capped at 10,000 events): ${(totalBytes(leftBySignIn) / SIGNED_IN_GUESTS).toFixed(0)} bytes (${describe(leftBySignIn, SIGNED_IN_GUESTS)})`);

  const seconds = elapsedMs(began) / 1000;
  say(`many-tenants bench took ${seconds.toFixed(0)} s`);
  result = {
    tenants: TENANTS,
    providerCacheSize: config.providerCacheSize,
    creation,
    discovery,
    memory: {
      rssBytes: memoryFull.rss, heapUsedBytes: memoryFull.heapUsed, externalBytes: memoryFull.external, providersBuilt, heapBytesPerProvider: Math.round(heapPerProvider), underBudget: memoryFull.rss < MEMORY_BUDGET_BYTES,
      rssAtStartBytes: memoryAtStart.rss, heapAtStartBytes: memoryAtStart.heapUsed, rssAfterCreationBytes: memoryBefore.rss, heapAfterCreationBytes: memoryBefore.heapUsed,
    },
    redis: {
      bytesPerTenant: Math.round(redisBytesPerTenant),
      bytesPerInvitedGuest: Math.round(totalBytes(guestKeys) / INVITED_GUESTS),
      bytesPerLiveSession: Math.round(totalBytes(liveSession) / SIGNED_IN_GUESTS),
      bytesPerSignInBesides: Math.round(totalBytes(leftBySignIn) / SIGNED_IN_GUESTS),
      perTenant: perUnit(redisTenants, TENANTS),
      perInvitedGuest: perUnit(guestKeys, INVITED_GUESTS),
      perLiveSession: perUnit(liveSession, SIGNED_IN_GUESTS),
      perSignInBesides: perUnit(leftBySignIn, SIGNED_IN_GUESTS),
    },
    seconds,
  };
} finally {
  await idp.close();
  await store.deleteByPrefix(`${namespace}:`);
  await store.close();
  redis.disconnect();
  server.closeAllConnections();
  server.close();
  await smtp.close();
  await ownRedis?.remove();
}
// Last, once everything is cleaned up: bench/run.ts stops this process when it reads the line.
process.stdout.write(`${JSON.stringify(result)}\n`);

/** `kind bytes (keys, time to live)` per unit, largest first. */
function describe(memory: KeyMemory, units: number): string {
  return [...memory.entries()]
    .toSorted(([, a], [, b]) => b.bytes - a.bytes)
    .map(([kind, { keys, bytes, ttlSeconds }]) => {
      const notes = [keys !== units ? `${Number((keys / units).toFixed(2))} keys` : '', ttlSeconds >= 0 && keys > 0 ? `expires in ${duration(ttlSeconds)}` : ''].filter(Boolean);
      return `${kind} ${(bytes / units).toFixed(0)} B${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
    })
    .join(', ');
}

function duration(seconds: number): string {
  if (seconds >= 86_400) return `${Math.round(seconds / 86_400)} d`;
  if (seconds >= 3600) return `${Math.round(seconds / 3600)} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${seconds} s`;
}

function perUnit(memory: KeyMemory, units: number): Record<string, { keys: number; bytes: number; ttlSeconds: number }> {
  return Object.fromEntries([...memory.entries()].map(([kind, { keys, bytes, ttlSeconds }]) => [kind, { keys: keys / units, bytes: Math.round(bytes / units), ttlSeconds }]));
}
