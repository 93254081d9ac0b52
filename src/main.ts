import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';

import { createApp } from './app.ts';
import { developmentDefaultsInUse, loadConfig, type Config } from './config.ts';
import { type DemoSeed, seedDemo } from './dev/demo-seed.ts';
import { ConfigurationError } from './errors.ts';
import { SHUTDOWN_GRACE_MS } from './limits.ts';
import { createLogger, type Logger } from './log.ts';
import { stopOnSignals } from './ops/graceful-shutdown.ts';
import { runWorkerProcesses } from './ops/worker-processes.ts';
import type { KeyValueStore } from './store/key-value-store.ts';
import { MemoryStore } from './store/memory-store.ts';
import { RedisStore } from './store/redis-store.ts';

/** The primary's start, handed to its workers, so every process of a run agrees when the run began. */
const RUN_STARTED_AT_ENV = 'GUEST_IDP_RUN_STARTED_AT';

function runStartedAt(): Date {
  const inherited = cluster.isWorker ? Date.parse(process.env[RUN_STARTED_AT_ENV] ?? '') : Number.NaN;
  return Number.isNaN(inherited) ? new Date() : new Date(inherited);
}

async function main(): Promise<void> {
  const startedAt = runStartedAt();
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    process.exit(1);
  }

  const log = createLogger(config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) {
    await superviseWorkers(config, log, startedAt);
    return;
  }

  const store = await openStore(config, log);
  const idp = createApp({ config, store, log, runStartedAt: startedAt });
  const server = createServer();
  stopOnSignals(server, {
    graceMs: SHUTDOWN_GRACE_MS,
    log,
    async release() {
      await idp.close();
      await store.close();
    },
    exit: (code) => process.exit(code),
    // A worker stops on its primary's SIGTERM only (worker-processes.ts says why not on SIGINT).
    signals: cluster.isWorker ? ['SIGTERM'] : ['SIGTERM', 'SIGINT'],
  });
  // Ctrl-C in a terminal signals the whole process group: a worker leaves it to its primary.
  if (cluster.isWorker) process.on('SIGINT', () => {});
  server.on('request', idp.app.callback());
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    console.error(`guest-idp cannot start: ${describeListenError(error as NodeJS.ErrnoException, config)}.`);
    await idp.close();
    await store.close();
    process.exit(1);
  }
  log.info({ baseUrl: config.baseUrl, production: config.production, store: store.kind }, 'guest-idp listening');

  if (!config.production && cluster.isPrimary) {
    const demo = await seedDemo(idp);
    printDevelopmentBanner(config, demo, developmentDefaultsInUse(config, process.env));
  }
}

/**
 * WORKERS > 1: this process only supervises (src/ops/worker-processes.ts). What must happen once
 * happens here, before any worker starts: the development seed (so no worker answers /demo before
 * the demo tenant exists, and a restarted worker does not seed again) and the admin token made up
 * for development, handed to every worker so each accepts the one the banner shows.
 */
async function superviseWorkers(config: Config, log: Logger, startedAt: Date): Promise<void> {
  // Every worker would find a taken port and say so: find out once, before seeding or forking.
  await probePort(config);
  let demo: DemoSeed | undefined;
  if (!config.production) {
    const store = await openStore(config, log);
    const idp = createApp({ config, store, log, runStartedAt: startedAt });
    demo = await seedDemo(idp);
    await idp.close();
    await store.close();
  }
  await runWorkerProcesses({ count: config.workers, env: { ADMIN_TOKEN: config.adminToken, [RUN_STARTED_AT_ENV]: startedAt.toISOString() }, log });
  if (demo) printDevelopmentBanner(config, demo, developmentDefaultsInUse(config, process.env));
}

async function openStore(config: Config, log: Logger): Promise<KeyValueStore> {
  try {
    return config.redis ? await RedisStore.connect(config.redis, log) : new MemoryStore();
  } catch (error) {
    console.error(`guest-idp cannot start: Redis does not answer at ${describeRedis(config)} (${(error as Error).cause ?? (error as Error).message}).`);
    process.exit(1);
  }
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Listens on the configured port and lets go again; a failure is the one line and exit 1. */
async function probePort(config: Config): Promise<void> {
  const probe = createServer();
  try {
    await listen(probe, config.port, config.host);
  } catch (error) {
    console.error(`guest-idp cannot start: ${describeListenError(error as NodeJS.ErrnoException, config)}.`);
    process.exit(1);
  }
  await new Promise((resolve) => probe.close(resolve));
}

/** One line an operator can act on, instead of a stack trace. */
function describeListenError(error: NodeJS.ErrnoException, config: Config): string {
  const where = `${config.host ?? 'all interfaces'} port ${config.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `${where} is already in use by another process (EADDRINUSE); stop it or set PORT`;
    case 'EACCES':
      return `not allowed to listen on ${where} (EACCES); ports below 1024 need privileges, set PORT`;
    case 'EADDRNOTAVAIL':
      return `HOST ${config.host} is not an address of this machine (EADDRNOTAVAIL)`;
    default:
      return `cannot listen on ${where} (${error.code ?? error.message})`;
  }
}

function describeRedis(config: Config): string {
  if (!config.redis) return 'none';
  if ('url' in config.redis) return new URL(config.redis.url).host;
  if ('sentinels' in config.redis) return `the sentinels ${addresses(config.redis.sentinels)} (primary ${config.redis.sentinelName})`;
  return addresses(config.redis.clusterNodes);
}

function addresses(nodes: { host: string; port: number }[]): string {
  return nodes.map((node) => `${node.host}:${node.port}`).join(',');
}

function printDevelopmentBanner(config: Config, demo: DemoSeed, defaults: string[]): void {
  const lines = [
    '',
    '  guest-idp is running in DEVELOPMENT MODE — not for production use.',
    ...(defaults.length > 0 ? [`  Using: ${defaults.join('; ')}.`] : []),
    '',
    `  Demo tenant issuer   ${demo.issuer}`,
    `  Discovery            ${demo.issuer}/.well-known/openid-configuration`,
    `  Try a guest sign-in  ${config.baseUrl}/demo   (codes show up in ${config.baseUrl}/dev/outbox)`,
    `  Demo client          client_id=${demo.clientId} (public, PKCE S256), redirect_uri=${demo.redirectUri}`,
    `  Demo guest           ${demo.guestEmail}${demo.inviteRedeemUrl ? `, invitation link ${demo.inviteRedeemUrl}` : ''}`,
    `  Tenant console       ${demo.consoleUrl}   (sign in as ${demo.consoleAdminEmail}; the code shows up in ${config.baseUrl}/dev/outbox)`,
    `  Admin API            ${config.baseUrl}/admin  (Authorization: Bearer <admin token>)`,
    ...(config.adminTokenGenerated ? [`  Admin token          ${config.adminToken}   (shown once; set ADMIN_TOKEN to choose your own)`] : []),
    `  Health               ${config.baseUrl}/healthz  ${config.baseUrl}/readyz`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
