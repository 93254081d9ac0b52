import { Redis } from 'ioredis';

import { startOwnRedis } from '../test/support/redis-server.ts';
import { startSmtpListener } from '../test/support/smtp.ts';
import { startChildServer, type ChildServer } from './support/child-server.ts';
import { load, median, type RequestSpec } from './support/load.ts';
import { percentile } from './support/percentiles.ts';
import { emailOtpSignIn, instantSignIn, login, loginsInFlight, type StepTimes, type TokenResponse } from './support/logins.ts';
import { perOperation, readStats } from './support/server-stats.ts';

/**
 * Side-by-side benchmark: guest-idp (on Redis, and on its memory store) against a bare
 * oidc-provider on Redis (oidc-provider's example adapter; on its memory adapter as a reference
 * row), same machine, same load generator, interleaved rounds so machine noise hits all
 * alike. Reports each server's own CPU time and Redis round trips per operation (the headline
 * figures), rates and latencies, then many tenants (bench/many-tenants.ts) and scale-out.
 * `npm run bench`. Redis is a redis-server of its own, so every command it counts is ours.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LOGINS_PER_ROUND = Number(process.env.BENCH_LOGINS ?? 40);
// A guest login waits on SMTP (the test mail server greets after 100 ms, as smtp-server does to
// catch early talkers), so enough logins must be in flight for the servers, not that wait, to be measured.
const LOGIN_CONCURRENCY = 16;
// A tenant mails at most 5 codes per address in 15 minutes (10 across tenants); past that a login
// would wait for a mail that never comes. Enough guests that a whole run stays well under it.
const GUESTS = 300;

interface ServerInfo { issuer: string; clientId: string; clientSecret: string; appClientId: string; es256AppClientId: string; redirectUri: string }
interface Target { name: string; server: ChildServer<ServerInfo>; kind: 'bare' | 'guest-idp'; redis: boolean }
interface Measurement { perSecond: number; medianMs: number; cpuMs: number; roundTrips: number }

interface Scenario {
  name: string;
  unit: string;
  run(target: Target, count: number): Promise<Pick<Measurement, 'perSecond' | 'medianMs'>>;
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

/** The ID token's signing algorithm, from its JOSE header. */
function idTokenAlg(tokens: TokenResponse): string {
  return (JSON.parse(Buffer.from(tokens.id_token.split('.')[0]!, 'base64url').toString()) as { alg: string }).alg;
}

/**
 * A token endpoint call that signs a new ID token, with RS256 or ES256 (the app client registered
 * for it): the refresh_token grant, the cheapest honest one (a code exchange needs a whole login
 * per token). Each of CONCURRENCY workers holds one refresh token chain, started by a login when
 * the target first runs (the warm-up), and follows it: both servers rotate refresh tokens.
 */
function refreshScenario(alg: 'RS256' | 'ES256', signInOf: (target: Target) => Parameters<typeof login>[1]): Scenario {
  const chains = new Map<string, string[]>();
  const clientIdOf = (info: ServerInfo) => (alg === 'ES256' ? info.es256AppClientId : info.appClientId);
  const exchange = async (target: Target, refreshToken: string): Promise<TokenResponse> => {
    const info = target.server.info;
    const response = await fetch(`${info.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientIdOf(info) }),
    });
    if (!response.ok) throw new Error(`${target.name}: refresh answered ${response.status}: ${await response.text()}`);
    const tokens = await response.json() as TokenResponse;
    if (!tokens.refresh_token || idTokenAlg(tokens) !== alg) throw new Error(`${target.name}: expected a refresh token and an ${alg} ID token`);
    return tokens;
  };
  return {
    name: `refresh_token grant: new access, refresh and ${alg}-signed ID token`,
    unit: 'tokens/s',
    count: 300,
    warmUp: 50,
    async run(target, total) {
      let chain = chains.get(target.name);
      if (!chain) {
        chain = [];
        for (let index = 0; index < CONCURRENCY; index += 1) {
          const tokens = await login(target.server.info, signInOf(target), { clientId: clientIdOf(target.server.info), offline: true });
          if (!tokens.refresh_token) throw new Error(`${target.name}: no refresh token from the login`);
          chain.push(tokens.refresh_token);
        }
        chains.set(target.name, chain);
      }
      const held = chain;
      const durations: number[] = [];
      let started = 0;
      const begin = process.hrtime.bigint();
      await Promise.all(held.map(async (_, worker) => {
        while (started < total) {
          started += 1;
          const one = process.hrtime.bigint();
          held[worker] = (await exchange(target, held[worker]!)).refresh_token!;
          durations.push(Number(process.hrtime.bigint() - one) / 1e6);
        }
      }));
      return { perSecond: total / (Number(process.hrtime.bigint() - begin) / 1e9), medianMs: median(durations) };
    },
  };
}

async function main(): Promise<void> {
  const redis = await startOwnRedis();
  const smtp = await startSmtpListener();
  const here = import.meta.dirname;
  const guestIdpEnv = { REDIS_URL: redis.url, SMTP_URL: smtp.url, BENCH_GUESTS: String(GUESTS) };
  // The baseline (first: ratios divide by it) keeps its keys on the same redis-server under a prefix of its own.
  const targets: Target[] = [
    { name: 'bare oidc-provider (Redis)', kind: 'bare', redis: true, server: await startChildServer<ServerInfo>(`${here}/servers/bare-provider.ts`, { REDIS_URL: redis.url, BARE_STORE: 'redis' }) },
    { name: 'bare oidc-provider (memory)', kind: 'bare', redis: false, server: await startChildServer<ServerInfo>(`${here}/servers/bare-provider.ts`) },
    { name: 'guest-idp (memory store)', kind: 'guest-idp', redis: false, server: await startChildServer<ServerInfo>(`${here}/servers/guest-idp.ts`, { ...guestIdpEnv, BENCH_STORE: 'memory' }) },
    { name: 'guest-idp (Redis)', kind: 'guest-idp', redis: true, server: await startChildServer<ServerInfo>(`${here}/servers/guest-idp.ts`, { ...guestIdpEnv, BENCH_STORE: 'redis' }) },
  ];
  const redisClient = new Redis(redis.url);
  const commandsProcessed = async () => Number(/total_commands_processed:(\d+)/.exec(await redisClient.info('stats'))?.[1]);

  let nextGuest = 0;
  const stepTimes: StepTimes = new Map();
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
      run(target, total) {
        return loginsInFlight(total, LOGIN_CONCURRENCY, () => {
          const times = target.redis && target.kind === 'guest-idp' ? stepTimes : undefined;
          const signIn = target.kind === 'bare'
            ? instantSignIn
            : emailOtpSignIn(`bench-guest-${nextGuest++ % GUESTS}@partner.example`, smtp, times);
          return login(target.server.info, signIn, { times });
        });
      },
    },
    ...(['RS256', 'ES256'] as const).map((alg) => refreshScenario(alg, (target) => (target.kind === 'bare'
      ? instantSignIn
      : emailOtpSignIn(`bench-guest-${nextGuest++ % GUESTS}@partner.example`, smtp)))),
  ];

  try {
    console.log(`guest-idp benchmark: ${ROUNDS} interleaved rounds; ${CONCURRENCY} requests (${LOGIN_CONCURRENCY} logins) in flight; Node ${process.version}`);
    for (const scenario of scenarios) {
      for (const target of targets) await scenario.run(target, scenario.warmUp);
      const results = new Map<string, Measurement[]>(targets.map((target) => [target.name, []]));
      // Per target: the bare provider and guest-idp (Redis) share the redis-server, one after the other.
      const redisCommands = new Map<string, number>(targets.map((target) => [target.name, 0]));
      for (let round = 0; round < ROUNDS; round += 1) {
        // Rotate the order each round so no target always runs first (or last).
        for (const target of targets.map((_, index) => targets[(index + round) % targets.length]!)) {
          const before = target.redis ? await commandsProcessed() : 0;
          const statsBefore = await readStats(originOf(target));
          const measured = await scenario.run(target, scenario.count);
          const own = perOperation(statsBefore, await readStats(originOf(target)), scenario.count);
          results.get(target.name)!.push({ ...measured, ...own });
          // The INFO call that reads the counter is itself one command.
          if (target.redis) redisCommands.set(target.name, redisCommands.get(target.name)! + await commandsProcessed() - before - 1);
        }
      }
      const of = (target: Target, pick: (result: Measurement) => number) => median(results.get(target.name)!.map(pick));
      const baselineCpu = of(targets[0]!, (result) => result.cpuMs);
      const baselineRate = of(targets[0]!, (result) => result.perSecond);
      console.log(`\n${scenario.name}`);
      for (const target of targets) {
        const cpu = of(target, (result) => result.cpuMs);
        const rate = of(target, (result) => result.perSecond);
        const commands = target.redis ? `   ${(redisCommands.get(target.name)! / (ROUNDS * scenario.count)).toFixed(1)} Redis commands` : '';
        console.log(`  ${target.name.padEnd(27)} CPU ${cpu.toFixed(3).padStart(7)} ms each (x${(cpu / baselineCpu).toFixed(2)})   ${of(target, (result) => result.roundTrips).toFixed(1).padStart(5)} Redis round trips${commands}   ${rate.toFixed(rate < 100 ? 1 : 0).padStart(7)} ${scenario.unit} (rate ratio ${(rate / baselineRate).toFixed(2)})   median ${of(target, (result) => result.medianMs).toFixed(2)} ms`);
      }
    }

    console.log(`\nsteps of a guest-idp (Redis) login, wall clock with ${LOGIN_CONCURRENCY} logins in flight (p50 / p99 ms):`);
    for (const [step, durations] of stepTimes) console.log(`  ${step.padEnd(44)} ${percentile(durations, 50).toFixed(1).padStart(7)} / ${percentile(durations, 99).toFixed(1)}`);

    // One login at a time: every round trip is the login's own (none shared with another's in one
    // write), which is what its latency pays. The mail worker's writes in that time count too.
    const onRedis = targets.find((target) => target.redis && target.kind === 'guest-idp')!;
    const LOGINS_ALONE = 5;
    const before = await readStats(originOf(onRedis));
    for (let index = 0; index < LOGINS_ALONE; index += 1) {
      await login(onRedis.server.info, emailOtpSignIn(`bench-guest-${nextGuest++ % GUESTS}@partner.example`, smtp));
    }
    const alone = perOperation(before, await readStats(originOf(onRedis)), LOGINS_ALONE);
    console.log(`\none guest login at a time (${LOGINS_ALONE} logins): ${alone.roundTrips.toFixed(1)} Redis round trips each (under load above, logins share writes)`);

    // Many tenants: it writes its findings to stderr (shown here) and ends with one JSON line.
    // Creating a tenant generates two RSA keys (~60 ms CPU), so 10,000 take ~10 minutes on two
    // cores: `npm run bench` takes 1,000 unless BENCH_TENANTS says otherwise; the README's figure
    // comes from `node --expose-gc bench/many-tenants.ts` (10,000).
    console.log('');
    const manyTenants = await startChildServer<{ tenants: number; seconds: number }>(
      `${here}/many-tenants.ts`, { REDIS_URL: redis.url, BENCH_TENANTS: process.env.BENCH_TENANTS ?? '1000' }, ['--expose-gc'],
    );
    await manyTenants.stop();
  } finally {
    for (const target of targets) await target.server.stop();
    redisClient.disconnect();
    await smtp.close();
    await redis.remove();
  }
}

await main();

// More than one core (WORKERS) and Redis Cluster: bench/scale-out.ts, after the side-by-side rounds above.
await import('./scale-out.ts');
