import { startOwnRedis, type OwnRedis } from '../test/support/redis-server.ts';
import { startChildServer, type ChildServer } from './support/child-server.ts';
import { load, median, type RequestSpec } from './support/load.ts';

/**
 * Side-by-side benchmark: guest-idp (on Redis, and on its memory store) against a bare
 * oidc-provider, same machine, same load generator, interleaved rounds so machine noise hits all
 * alike. Reports medians and ratios, then memory per tenant. `npm run bench`.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface ServerInfo { issuer: string; clientId: string; clientSecret: string }
type Target = { name: string; server: ChildServer<ServerInfo> };

interface Scenario { name: string; total: number; request: (info: ServerInfo) => RequestSpec }

const basic = (info: ServerInfo) => `Basic ${Buffer.from(`${info.clientId}:${info.clientSecret}`).toString('base64')}`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

const SCENARIOS: Scenario[] = [
  { name: 'discovery document', total: 3000, request: (info) => ({ path: `${new URL(info.issuer).pathname.replace(/\/$/, '')}/.well-known/openid-configuration` }) },
  { name: 'JWKS', total: 3000, request: (info) => ({ path: `${new URL(info.issuer).pathname.replace(/\/$/, '')}/jwks` }) },
  {
    name: 'client_credentials token',
    total: 1500,
    request: (info) => ({ method: 'POST', path: `${new URL(info.issuer).pathname.replace(/\/$/, '')}/token`, headers: { ...form, authorization: basic(info) }, body: 'grant_type=client_credentials' }),
  },
];

async function main(): Promise<void> {
  let ownRedis: OwnRedis | undefined;
  if (!process.env.REDIS_URL) {
    ownRedis = await startOwnRedis();
    process.env.REDIS_URL = ownRedis.url;
  }
  const here = import.meta.dirname;
  const targets: Target[] = [
    { name: 'bare oidc-provider', server: await startChildServer<ServerInfo>(`${here}/servers/bare-provider.ts`) },
    { name: 'guest-idp (memory store)', server: await startChildServer<ServerInfo>(`${here}/servers/guest-idp.ts`, { BENCH_STORE: 'memory' }) },
    { name: 'guest-idp (Redis)', server: await startChildServer<ServerInfo>(`${here}/servers/guest-idp.ts`, { BENCH_STORE: 'redis' }) },
  ];

  try {
    console.log(`guest-idp benchmark: ${ROUNDS} interleaved rounds, ${CONCURRENCY} requests in flight, Node ${process.version}`);
    for (const scenario of SCENARIOS) {
      // Warm-up: JIT and first-use caches of every target.
      for (const target of targets) await load(origin(target), scenario.request(target.server.info), { total: 300, concurrency: CONCURRENCY });
      const rates = new Map<string, number[]>(targets.map((target) => [target.name, []]));
      const latencies = new Map<string, number[]>(targets.map((target) => [target.name, []]));
      for (let round = 0; round < ROUNDS; round += 1) {
        // Rotate the order each round so no target always runs first (or last).
        const ordered = targets.map((_, index) => targets[(index + round) % targets.length]!);
        for (const target of ordered) {
          const result = await load(origin(target), scenario.request(target.server.info), { total: scenario.total, concurrency: CONCURRENCY });
          if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} failed requests in ${scenario.name}`);
          rates.get(target.name)!.push(result.requestsPerSecond);
          latencies.get(target.name)!.push(result.medianMilliseconds);
        }
      }
      const baseline = median(rates.get(targets[0]!.name)!);
      console.log(`\n${scenario.name}`);
      for (const target of targets) {
        const rate = median(rates.get(target.name)!);
        console.log(`  ${target.name.padEnd(26)} ${rate.toFixed(0).padStart(6)} req/s   median ${median(latencies.get(target.name)!).toFixed(2)} ms   ratio ${(rate / baseline).toFixed(2)}`);
      }
    }

    const memory = await startChildServer<{ tenants: number; heapBytesPerTenant: number; redisBytesPerTenant: number }>(
      `${here}/memory-per-tenant.ts`, {}, ['--expose-gc'],
    );
    await memory.stop();
    console.log(`\nmemory per tenant (${memory.info.tenants} tenants): ${(memory.info.heapBytesPerTenant / 1024).toFixed(0)} KiB process heap for a built Provider, ${(memory.info.redisBytesPerTenant / 1024).toFixed(1)} KiB in Redis`);
  } finally {
    for (const target of targets) await target.server.stop();
    await ownRedis?.remove();
  }
}

function origin(target: Target): string {
  return new URL(target.server.info.issuer).origin;
}

await main();
