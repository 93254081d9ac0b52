import { availableParallelism } from 'node:os';

import { startOwnRedisCluster } from '../test/support/redis-cluster.ts';
import { startOwnRedis } from '../test/support/redis-server.ts';
import { startSmtpListener, type SmtpListener } from '../test/support/smtp.ts';
import type { BenchTenantInfo } from './support/bench-tenant.ts';
import { startChildServer, type ChildServer } from './support/child-server.ts';
import { load, median } from './support/load.ts';
import { emailOtpSignIn, login, loginsInFlight } from './support/logins.ts';
import { perOperation, readStats } from './support/server-stats.ts';

/**
 * More than one core: guest-idp as one process (WORKERS=1) against a primary with two worker
 * processes (WORKERS=2) on the bench's own redis-server, then one process on a 3-master Redis
 * Cluster. Leads with CPU time per operation summed over all of a deployment's processes (the
 * primary's included: it accepts the connections and hands them to the workers) and Redis round
 * trips per operation (writes on the Redis sockets, summed over the workers); wall-clock rates and
 * medians follow. `node bench/scale-out.ts` (BENCH_SCALE_ROUNDS rounds, default 5), or at the end
 * of `npm run bench`; under a minute.
 */

const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 5);
const TOKENS_PER_ROUND = 1500;
const TOKEN_CONCURRENCY = 8;
const SIGN_INS_PER_ROUND = 40;
// A sign-in waits on SMTP's 100 ms greeting: enough must be in flight for the servers, not that
// wait, to bound the rate (bench/run.ts's 16 leave one process short of a core).
const SIGN_IN_CONCURRENCY = Number(process.env.BENCH_SCALE_SIGN_INS_IN_FLIGHT ?? 48);
// Enough guests that none meets the per-address limit on mailed codes (5 in 15 minutes) in one run.
const GUESTS = 150;

interface Info extends BenchTenantInfo { statsOrigin?: string; pids?: number[] }
interface Target { name: string; server: ChildServer<Info>; nextGuest: number }
interface Measurement {
  perSecond: number;
  medianMs: number;
  cpuMs: number;
  roundTrips: number;
  /** The primary's part of cpuMs (NaN for one process). */
  primaryCpuMs: number;
  /** The load generator's own CPU (this process): it shares the cores with the deployment. */
  clientCpuMs: number;
}
type Stats = Awaited<ReturnType<typeof readStats>> & { primaryCpuMicros?: number };
type Operation = (target: Target, count: number) => Promise<Pick<Measurement, 'perSecond' | 'medianMs'>>;

const originOf = (target: Target) => new URL(target.server.info.issuer).origin;
const statsOriginOf = (target: Target) => target.server.info.statsOrigin ?? originOf(target);

function tokens(): Operation {
  return async (target, count) => {
    const info = target.server.info;
    const result = await load(originOf(target), {
      method: 'POST',
      path: `${new URL(info.issuer).pathname}/token`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${info.clientId}:${info.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    }, { total: count, concurrency: TOKEN_CONCURRENCY });
    if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} failed token requests`);
    return { perSecond: result.requestsPerSecond, medianMs: result.medianMilliseconds };
  };
}

function signIns(smtp: SmtpListener): Operation {
  return (target, count) => loginsInFlight(count, SIGN_IN_CONCURRENCY,
    () => login(target.server.info, emailOtpSignIn(`bench-guest-${target.nextGuest++ % GUESTS}@partner.example`, smtp)));
}

/** Warm-up, then ROUNDS rounds with the targets' order rotated each round; medians per target. */
async function measure(targets: Target[], operation: Operation, count: number, warmUp: number): Promise<Map<Target, Measurement>> {
  for (const target of targets) await operation(target, warmUp);
  const results = new Map<Target, Measurement[]>(targets.map((target) => [target, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const target of targets.map((_, index) => targets[(index + round) % targets.length]!)) {
      const before: Stats = await readStats(statsOriginOf(target));
      const clientBefore = process.cpuUsage();
      const measured = await operation(target, count);
      const client = process.cpuUsage(clientBefore);
      const after: Stats = await readStats(statsOriginOf(target));
      results.get(target)!.push({
        ...measured,
        ...perOperation(before, after, count),
        primaryCpuMs: ((after.primaryCpuMicros ?? NaN) - (before.primaryCpuMicros ?? NaN)) / 1000 / count,
        clientCpuMs: (client.user + client.system) / 1000 / count,
      });
    }
  }
  const medians = new Map<Target, Measurement>();
  for (const [target, rounds] of results) {
    const of = (pick: (result: Measurement) => number) => median(rounds.map(pick));
    medians.set(target, {
      perSecond: of((r) => r.perSecond), medianMs: of((r) => r.medianMs), cpuMs: of((r) => r.cpuMs), roundTrips: of((r) => r.roundTrips),
      primaryCpuMs: of((r) => r.primaryCpuMs), clientCpuMs: of((r) => r.clientCpuMs),
    });
  }
  return medians;
}

function printTable(title: string, unit: string, results: Map<Target, Measurement>): void {
  const [baseline] = [...results.values()];
  const columns = ['CPU ms/op', 'ratio', 'of it primary', 'Redis RT/op', unit, 'ratio', 'median ms', 'bench CPU ms/op'];
  console.log(`\n${title}`);
  console.log(`  ${'deployment'.padEnd(40)} ${columns.map((column) => column.padStart(Math.max(column.length, 6))).join(' ')}`);
  for (const [target, result] of results) {
    const cells = [
      result.cpuMs.toFixed(3), `x${(result.cpuMs / baseline!.cpuMs).toFixed(2)}`, Number.isNaN(result.primaryCpuMs) ? '–' : result.primaryCpuMs.toFixed(3),
      result.roundTrips.toFixed(1), result.perSecond.toFixed(result.perSecond < 100 ? 1 : 0), `x${(result.perSecond / baseline!.perSecond).toFixed(2)}`,
      result.medianMs.toFixed(1), result.clientCpuMs.toFixed(3),
    ];
    console.log(`  ${target.name.padEnd(40)} ${cells.map((cell, index) => cell.padStart(Math.max(columns[index]!.length, 6))).join(' ')}`);
  }
}

async function main(): Promise<void> {
  const here = import.meta.dirname;
  const redis = await startOwnRedis();
  const smtp = await startSmtpListener();
  const common = { SMTP_URL: smtp.url, BENCH_GUESTS: String(GUESTS), BENCH_STORE: 'redis' };
  const targets: Target[] = [];
  let cluster: Awaited<ReturnType<typeof startOwnRedisCluster>> | undefined;
  try {
    console.log(`\nscale-out: guest-idp on ${availableParallelism()} cores shared with the load generator and Redis; ${ROUNDS} interleaved rounds; Node ${process.version}`);
    console.log('  CPU ms/op: user+system CPU of every process of the deployment (primary and workers) per operation; Redis RT/op: writes on Redis sockets summed over the workers; bench CPU: the load generator\'s own');
    targets.push({ name: 'WORKERS=1 (one process)', nextGuest: 0, server: await startChildServer<Info>(`${here}/servers/guest-idp.ts`, { ...common, REDIS_URL: redis.url }) });
    targets.push({ name: 'WORKERS=2 (primary + 2 worker processes)', nextGuest: 0, server: await startChildServer<Info>(`${here}/servers/guest-idp-workers.ts`, { ...common, REDIS_URL: redis.url, WORKERS: '2' }) });

    printTable(`client_credentials token, ${TOKEN_CONCURRENCY} in flight, one Redis`, 'req/s', await measure(targets, tokens(), TOKENS_PER_ROUND, 300));
    printTable(`complete sign-in (code flow + PKCE, address, Send code, mailed code), ${SIGN_IN_CONCURRENCY} in flight, one Redis`, 'sign-ins/s', await measure(targets, signIns(smtp), SIGN_INS_PER_ROUND, 10));
    for (const target of targets.splice(0)) await target.server.stop();

    cluster = await startOwnRedisCluster();
    const clusterNodes = cluster.nodes.map((node) => `${node.host}:${node.port}`).join(',');
    // Against a fresh single-Redis process, side by side, so the ratio is of one run.
    targets.push({ name: 'WORKERS=1, one Redis', nextGuest: 0, server: await startChildServer<Info>(`${here}/servers/guest-idp.ts`, { ...common, REDIS_URL: redis.url }) });
    targets.push({
      name: 'WORKERS=1, 3-master Redis Cluster',
      nextGuest: 0,
      server: await startChildServer<Info>(`${here}/servers/guest-idp.ts`, {
        ...common, REDIS_URL: '', REDIS_CLUSTER_NODES: clusterNodes, REDIS_PORTS: cluster.nodes.map((node) => node.port).join(','),
      }),
    });
    printTable(`complete sign-in on a 3-master Redis Cluster, ${SIGN_IN_CONCURRENCY} in flight`, 'sign-ins/s', await measure(targets, signIns(smtp), SIGN_INS_PER_ROUND, 10));
  } finally {
    for (const target of targets) await target.server.stop();
    await cluster?.remove();
    await smtp.close();
    await redis.remove();
  }
}

await main();
