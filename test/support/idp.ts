import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';

import { createApp, type GuestIdp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import type { KeyValueStore } from '../../src/store/key-value-store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { uniqueNamespace } from './namespace.ts';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

export interface RunningIdp extends GuestIdp {
  baseUrl: string;
  namespace: string;
  server: Server;
  /** Calls the admin API with the deployment admin token (or the given one). */
  admin(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  /** Stops the server and the mail worker, deletes everything this instance stored, closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Default: a Redis connection to REDIS_URL. */
  store?: KeyValueStore | 'memory';
  /** Share another instance's namespace (a second process of the same deployment). */
  namespace?: string;
  /** Keep the data when closing (another instance still uses it). */
  keepData?: boolean;
  /** Default: the JSON-lines logger of LOG_LEVEL (TEST_LOG_LEVEL, else silent). See capturedLog(). */
  log?: Logger;
  /**
   * The host BASE_URL names (default 127.0.0.1, where it listens). `localhost` for passkey tests:
   * WebAuthn takes no IP address as a relying party id, and Chromium treats localhost as secure.
   */
  host?: 'localhost';
}

/** A logger whose JSON lines are kept, parsed, for a test to read (at info and above). */
export function capturedLog(): { lines: Array<Record<string, unknown>>; log: Logger } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger('info', sink) };
}

/**
 * A guest-idp on a free loopback port, configured like production but for the store's namespace.
 * BASE_URL is the address it really listens on, so every published URL can be followed.
 */
export async function startIdp(options: StartOptions = {}): Promise<RunningIdp> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;

  const config = loadConfig({
    NODE_ENV: 'test',
    BASE_URL: baseUrl,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    COOKIE_KEYS: 'test-cookie-key-0123456789abcdefghij',
    KEY_ENCRYPTION_KEY: 'test-key-encryption-key-0123456789abcdef',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Upstream test IdPs listen on loopback; the SSRF tests turn this off.
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    ...options.env,
  });
  const store = options.store === 'memory'
    ? new MemoryStore()
    : options.store ?? await RedisStore.connect({ url: requireRedisUrl() });
  const namespace = options.namespace ?? uniqueNamespace();
  const idp = createApp({ config, store, log: options.log ?? createLogger(config.logLevel), keyNamespace: namespace });
  server.on('request', idp.app.callback());

  return {
    ...idp,
    baseUrl,
    namespace,
    server,
    async admin(method, path, body, token = TEST_ADMIN_TOKEN) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      await idp.close();
      if (!options.keepData) await store.deleteByPrefix(`${namespace}:`).catch(() => undefined);
      if (options.store === undefined || options.store === 'memory') await store.close();
    },
  };
}

export function requireRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through npm test (its global setup provides Redis)');
  return url;
}
