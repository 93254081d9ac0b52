import { Redis } from 'ioredis';

import { startOwnRedis } from '../test/support/redis-server.ts';
import { startSmtpListener } from '../test/support/smtp.ts';
import { startChildServer, type ChildServer } from './support/child-server.ts';
import { load, median, type RequestSpec } from './support/load.ts';
import { emailOtpSignIn, instantSignIn, login } from './support/logins.ts';
import { countRoundTrips } from './support/redis-round-trips.ts';

/**
 * Side-by-side benchmark: guest-idp (on Redis, and on its memory store) against a bare
 * oidc-provider, same machine, same load generator, interleaved rounds so machine noise hits all
 * alike. Reports medians and ratios, Redis commands per request, then memory per tenant.
 * `npm run bench`. Redis is a redis-server of its own, so every command it counts is ours.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LOGINS_PER_ROUND = Number(process.env.BENCH_LOGINS ?? 40);
// A guest login waits on SMTP (the test mail server greets after 100 ms, as smtp-server does to
// catch early talkers), so enough logins must be in flight for the servers, not that wait, to be measured.
const LOGIN_CONCURRENCY = 16;
const GUESTS = 60;

interface ServerInfo { issuer: string; clientId: string; clientSecret: string; appClientId: string; redirectUri: string }
interface Target { name: string; server: ChildServer<ServerInfo>; kind: 'bare' | 'guest-idp'; redis: boolean }
interface Measurement { perSecond: number; medianMs: number }

interface Scenario {
  name: string;
  unit: string;
  run(target: Target, count: number): Promise<Measurement>;
  count: number;
  warmUp: number;
}

const basic = (info: ServerInfo) => `Basic ${Buffer.from(`${info.clientId}:${info.clientSecret}`).toString('base64')}`;
const pathOf = (info: ServerInfo, endpoint: string) => `${new URL(info.issuer).pathname.replace(/\/$/, '')}${endpoint}`;
const originOf = (target: Target) => new URL(target.server.info.issuer).origin;

function httpScenario(name: string, count: number, request: (info: ServerInfo) => RequestSpec): Scenario {
  return {
    name,
    unit: 'req/s',
    count,
    warmUp: 300,
    async run(target, total) {
      const result = await load(originOf(target), request(target.server.info), { total, concurrency: CONCURRENCY });
      if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} failed requests in ${name}`);
      return { perSecond: result.requestsPerSecond, medianMs: result.medianMilliseconds };
    },
  };
}

async function main(): Promise<void> {
  const redis = await startOwnRedis();
  const smtp = await startSmtpListener();
  const here = import.meta.dirname;
  const guestIdpEnv = { REDIS_URL: redis.url, SMTP_URL: smtp.url, BENCH_GUESTS: String(GUESTS) };
  const targets: Target[] = [
    { name: 'bare oidc-provider', kind: 'bare', redis: false, server: await startChildServer<ServerInfo>(`${here}/servers/bare-provider.ts`) },
    { name: 'guest-idp (memory store)', kind: 'guest-idp', redis: false, server: await startChildServer<ServerInfo>(`${here}/servers/guest-idp.ts`, { ...guestIdpEnv, BENCH_STORE: 'memory' }) },
    { name: 'guest-idp (Redis)', kind: 'guest-idp', redis: true, server: await startChildServer<ServerInfo>(`${here}/servers/guest-idp.ts`, { ...guestIdpEnv, BENCH_STORE: 'redis' }) },
  ];
  const redisClient = new Redis(redis.url);
  const commandsProcessed = async () => Number(/total_commands_processed:(\d+)/.exec(await redisClient.info('stats'))?.[1]);

  let nextGuest = 0;
  const scenarios: Scenario[] = [
    httpScenario('discovery document', 3000, (info) => ({ path: pathOf(info, '/.well-known/openid-configuration') })),
    httpScenario('JWKS', 3000, (info) => ({ path: pathOf(info, '/jwks') })),
    httpScenario('client_credentials token', 1500, (info) => ({
      method: 'POST', path: pathOf(info, '/token'), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(info) },
      body: 'grant_type=client_credentials',
    })),
    {
      name: 'complete login (code flow + PKCE; guest-idp: address, Send code, mailed code)',
      unit: 'logins/s',
      count: LOGINS_PER_ROUND,
      warmUp: 10,
      async run(target, total) {
        const durations: number[] = [];
        let started = 0;
        const begin = process.hrtime.bigint();
        const worker = async () => {
          while (started < total) {
            started += 1;
            const one = process.hrtime.bigint();
            const signIn = target.kind === 'bare'
              ? instantSignIn
              : emailOtpSignIn(`bench-guest-${nextGuest++ % GUESTS}@partner.example`, smtp);
            await login(target.server.info, signIn);
            durations.push(Number(process.hrtime.bigint() - one) / 1e6);
          }
        };
        await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, worker));
        return { perSecond: total / (Number(process.hrtime.bigint() - begin) / 1e9), medianMs: median(durations) };
      },
    },
  ];

  try {
    console.log(`guest-idp benchmark: ${ROUNDS} interleaved rounds; ${CONCURRENCY} requests (${LOGIN_CONCURRENCY} logins) in flight; Node ${process.version}`);
    for (const scenario of scenarios) {
      for (const target of targets) await scenario.run(target, scenario.warmUp);
      const results = new Map<string, Measurement[]>(targets.map((target) => [target.name, []]));
      let redisCommands = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        // Rotate the order each round so no target always runs first (or last).
        for (const target of targets.map((_, index) => targets[(index + round) % targets.length]!)) {
          const before = target.redis ? await commandsProcessed() : 0;
          results.get(target.name)!.push(await scenario.run(target, scenario.count));
          // The INFO call that reads the counter is itself one command.
          if (target.redis) redisCommands += await commandsProcessed() - before - 1;
        }
      }
      const baseline = median(results.get(targets[0]!.name)!.map((result) => result.perSecond));
      console.log(`\n${scenario.name}`);
      for (const target of targets) {
        const rate = median(results.get(target.name)!.map((result) => result.perSecond));
        const latency = median(results.get(target.name)!.map((result) => result.medianMs));
        const commands = target.redis ? `   ${(redisCommands / (ROUNDS * scenario.count)).toFixed(1)} Redis commands each (a script's own count)` : '';
        console.log(`  ${target.name.padEnd(26)} ${rate.toFixed(rate < 100 ? 1 : 0).padStart(7)} ${scenario.unit}   median ${latency.toFixed(2)} ms   ratio ${(rate / baseline).toFixed(2)}${commands}`);
      }
    }

    const onRedis = targets.find((target) => target.redis)!;
    const LOGINS_MONITORED = 5;
    const roundTrips = await countRoundTrips(redis.url, async () => {
      for (let index = 0; index < LOGINS_MONITORED; index += 1) {
        await login(onRedis.server.info, emailOtpSignIn(`bench-guest-${nextGuest++ % GUESTS}@partner.example`, smtp));
      }
    });
    console.log(`\nRedis round trips per complete guest login (MONITOR over ${LOGINS_MONITORED} logins): ${(roundTrips / LOGINS_MONITORED).toFixed(1)}`);

    const memory = await startChildServer<{ tenants: number; heapBytesPerTenant: number; redisBytesPerTenant: number }>(
      `${here}/memory-per-tenant.ts`, { REDIS_URL: redis.url }, ['--expose-gc'],
    );
    await memory.stop();
    console.log(`\nmemory per tenant (${memory.info.tenants} tenants): ${(memory.info.heapBytesPerTenant / 1024).toFixed(0)} KiB process heap for a built Provider, ${(memory.info.redisBytesPerTenant / 1024).toFixed(1)} KiB in Redis`);
  } finally {
    for (const target of targets) await target.server.stop();
    redisClient.disconnect();
    await smtp.close();
    await redis.remove();
  }
}

await main();
