import { AsyncLocalStorage } from 'node:async_hooks';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { Socket } from 'node:net';

import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { RedisStore } from '../src/store/redis-store.ts';
import { startOwnRedis } from '../test/support/redis-server.ts';
import { startSmtpListener } from '../test/support/smtp.ts';
import { benchEnv, createBenchTenant } from './support/bench-tenant.ts';
import { emailOtpSignIn, login } from './support/logins.ts';

/**
 * Prints every write to Redis one guest sign-in makes, with the request (or background work, the
 * mail worker) it came from: where the round trips of bench/run.ts go. `node bench/trace-sign-in.ts`.
 * A second invited guest is traced (their first sign-in: it redeems the invitation) after a first
 * guest warmed up caches and the mail worker.
 */
const redis = await startOwnRedis();
const smtp = await startSmtpListener();
const redisPort = Number(new URL(redis.url).port);
const where = new AsyncLocalStorage<string>();
const trace: string[] = [];
let tracing = false;
const write = Socket.prototype.write;
Socket.prototype.write = function tracedWrite(this: Socket, ...args: Parameters<Socket['write']>) {
  if (tracing && this.remotePort === redisPort) {
    const text = String(args[0]);
    const names: string[] = [];
    for (const command of text.split(/(?=\*\d+\r\n\$)/)) {
      const parts = [...command.matchAll(/\$\d+\r\n([^\r]*)\r\n/g)].map((m) => m[1]!);
      if (parts.length === 0) continue;
      const name = parts[0]!.toLowerCase();
      if (name === 'evalsha' || name === 'eval') {
        const keyCount = Number(parts[2]);
        names.push(`script(${parts.slice(3, 3 + keyCount).map((k) => k.replace(/^trace:/, '').slice(0, 50)).join(', ')})`);
      } else names.push(`${name} ${(parts[1] ?? '').replace(/^trace:/, '').slice(0, 60)}`);
    }
    trace.push(`${where.getStore() ?? '(background)'}  ${names.join(' | ')}`);
  }
  return write.apply(this, args);
} as Socket['write'];
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };
const config = loadConfig(benchEnv(`http://127.0.0.1:${port}`, { SMTP_URL: smtp.url, REDIS_URL: redis.url }));
const store = await RedisStore.connect({ url: redis.url });
const idp = createApp({ config, store, log: createLogger('silent'), keyNamespace: 'trace' });
const callback = idp.app.callback();
server.on('request', (req, res) => where.run(`${req.method} ${req.url!.split('?')[0]}`, () => callback(req, res)));
const info = await createBenchTenant(idp, 2);
await login(info, emailOtpSignIn('bench-guest-0@partner.example', smtp));
// The first mail's worker settles before tracing starts.
await new Promise((r) => setTimeout(r, 1500));
tracing = true;
await login(info, emailOtpSignIn('bench-guest-1@partner.example', smtp));
// The mail worker finishes the traced mail's job after the guest already has the code.
await new Promise((r) => setTimeout(r, 1500));
tracing = false;
console.log(trace.join('\n'));
console.log('TOTAL', trace.length);
await idp.close(); await store.close(); await smtp.close(); await redis.remove(); server.close(); process.exit(0);
