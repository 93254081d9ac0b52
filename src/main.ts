import { once } from 'node:events';
import type { Server } from 'node:http';

import { createApp } from './app.ts';
import { developmentDefaultsInUse, loadConfig, type Config } from './config.ts';
import { seedDemo } from './dev/demo-seed.ts';
import { ConfigurationError } from './errors.ts';
import { createLogger } from './log.ts';
import { MemoryStore } from './store/memory-store.ts';
import { RedisStore } from './store/redis-store.ts';

/** How long open connections get to finish when the process is asked to stop. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    process.exit(1);
  }

  const log = createLogger(config.logLevel);
  let store;
  try {
    store = config.redis ? await RedisStore.connect(config.redis) : new MemoryStore();
  } catch (error) {
    console.error(`guest-idp cannot start: Redis does not answer at ${describeRedis(config)} (${(error as Error).cause ?? (error as Error).message}).`);
    process.exit(1);
  }

  const idp = createApp({ config, store, log });
  const server: Server = idp.app.listen(config.port, config.host);
  await once(server, 'listening');
  log.info({ baseUrl: config.baseUrl, production: config.production, store: store.kind }, 'guest-idp listening');

  if (!config.production) {
    const demo = await seedDemo(idp);
    printDevelopmentBanner(config, demo, developmentDefaultsInUse(config, process.env));
  }

  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    forced.unref();
    server.close();
    server.closeIdleConnections();
    await once(server, 'close');
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

function describeRedis(config: Config): string {
  if (!config.redis) return 'none';
  return 'url' in config.redis ? new URL(config.redis.url).host : config.redis.clusterNodes.map((node) => `${node.host}:${node.port}`).join(',');
}

function printDevelopmentBanner(config: Config, demo: Awaited<ReturnType<typeof seedDemo>>, defaults: string[]): void {
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
    `  Admin API            ${config.baseUrl}/admin  (Authorization: Bearer <admin token>)`,
    ...(config.adminTokenGenerated ? [`  Admin token          ${config.adminToken}   (shown once; set ADMIN_TOKEN to choose your own)`] : []),
    `  Health               ${config.baseUrl}/healthz  ${config.baseUrl}/readyz`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
