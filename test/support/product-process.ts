import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { RedisStore } from '../../src/store/redis-store.ts';
import { TEST_ADMIN_TOKEN } from './idp.ts';
import { uniqueNamespace } from './namespace.ts';
import { freePort } from './redis-server.ts';

/**
 * guest-idp as an operator runs it: `node src/main.ts` in a child process, production mode, on a
 * loopback port, its JSON log lines collected. For fault tests that kill, restart or signal the
 * real process, or run two of them on one Redis.
 */
export interface ProductProcess {
  /** Where this process listens (may differ from its BASE_URL behind a test load balancer). */
  url: string;
  port: number;
  /** The environment it was started with; start another process of the same deployment with it. */
  env: Record<string, string>;
  child: ChildProcess;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  /** Resolves with the first log line (past or future) the predicate accepts. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the first match (past or future) of `pattern` in a stdout line that is no log line (the development banner). */
  waitForOutput(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string | null>;
  /** Sends the signal and resolves with the exit code once the process has ended. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** The settings production requires, with test values; REDIS_KEY_PREFIX keeps each test's data apart. */
export function productionEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('REDIS_URL is not set: run the tests through npm test');
  return {
    NODE_ENV: 'production',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: uniqueNamespace(),
    SMTP_URL: 'smtp://127.0.0.1:9',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    COOKIE_KEYS: 'test-cookie-key-0123456789abcdefghij',
    KEY_ENCRYPTION_KEY: 'test-key-encryption-key-0123456789abcdef',
    ALLOW_PRIVATE_UPSTREAMS: 'true',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

/**
 * Starts `node src/main.ts` and resolves once it logs that it listens. Give `PORT` (and
 * `BASE_URL`) in env to choose them; otherwise a free port is taken and BASE_URL is its address.
 */
export async function startProductProcess(env: Record<string, string>): Promise<ProductProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const fullEnv = { BASE_URL: `http://127.0.0.1:${port}`, ...env, PORT: String(port), HOST: '127.0.0.1' };
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const waiting: Array<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  const output: string[] = [];
  const waitingForOutput: Array<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void }> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      output.push(text);
      for (const waiter of [...waitingForOutput]) {
        const match = waiter.pattern.exec(text);
        if (!match) continue;
        waitingForOutput.splice(waitingForOutput.indexOf(waiter), 1);
        waiter.resolve(match);
      }
      return;
    }
    logs.push(line);
    for (const waiter of [...waiting]) {
      if (!waiter.predicate(line)) continue;
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string | null);

  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean) => {
    const seen = logs.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.push({ predicate, resolve });
      exited.then((code) => reject(new Error(`guest-idp exited (${code}) before the awaited log line: ${stderr.trim()}`)));
    });
  };

  const waitForOutput = (pattern: RegExp) => {
    for (const text of output) {
      const match = pattern.exec(text);
      if (match) return Promise.resolve(match);
    }
    return new Promise<RegExpExecArray>((resolve, reject) => {
      waitingForOutput.push({ pattern, resolve });
      exited.then((code) => reject(new Error(`guest-idp exited (${code}) before printing ${pattern}: ${stderr.trim()}`)));
    });
  };

  await waitForLog((line) => line.msg === 'guest-idp listening');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    env: fullEnv,
    child,
    logs,
    waitForLog,
    waitForOutput,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs `node src/main.ts` until it exits on its own (a start-up refusal) and returns what it said.
 * Fails the test rather than hanging when the process does start.
 */
export async function runProductUntilExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('"msg":"guest-idp listening"')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

/** Calls a process's admin API with the test admin token. */
export async function adminCall(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Deletes everything a product process of this environment stored (its REDIS_KEY_PREFIX). */
export async function purgeProductData(env: Record<string, string>, redisUrl = process.env.REDIS_URL): Promise<void> {
  if (!redisUrl || !env.REDIS_KEY_PREFIX) return;
  const store = await RedisStore.connect({ url: redisUrl });
  try {
    await store.deleteByPrefix(`${env.REDIS_KEY_PREFIX}:`);
  } finally {
    await store.close();
  }
}
