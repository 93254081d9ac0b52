import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { recordFinding } from '../support/findings.ts';
import { rawRequest } from '../support/http.ts';
import { uniqueNamespace } from '../support/namespace.ts';
import { type ProductProcess, productionEnv, purgeProductData, runProductUntilExit, startProductProcess } from '../support/product-process.ts';
import { freePort } from '../support/redis-server.ts';

/**
 * WORKERS=2 on the real `node src/main.ts`: a primary and two worker processes sharing one port
 * on one Redis. Which worker answered a request is read from the log: every line carries the pid
 * of the process that wrote it, and a request's line carries the X-Request-Id of its answer.
 */

let product: ProductProcess | undefined;

afterEach(async () => {
  if (product) {
    await product.stop('SIGKILL');
    await purgeProductData(product.env);
  }
  product = undefined;
});

async function startWithWorkers(): Promise<{ product: ProductProcess; workers: number[] }> {
  const started = await startProductProcess(productionEnv({ WORKERS: '2' }));
  const listening = await started.waitForLog((line) => line.msg === 'worker processes listening');
  return { product: started, workers: listening.workers as number[] };
}

/** The pid of the worker that answered a request on a connection of its own. */
async function answeringPid(running: ProductProcess, path = '/healthz', headers: Record<string, string> = {}): Promise<number> {
  // A new connection each time: the primary hands connections, not requests, to the workers in turn.
  const answer = await rawRequest(`${running.url}${path}`, { headers: { ...headers, connection: 'close' } });
  expect(answer.status).toBe(200);
  const requestId = answer.headers['x-request-id'];
  const line = await running.waitForLog((logged) => logged.msg === 'request' && logged.requestId === requestId);
  expect(line.status).toBe(200);
  return line.pid as number;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('WORKERS=2: two worker processes answer on one port, and SIGTERM stops every one of them cleanly with exit code 0', async () => {
  const started = await startWithWorkers();
  product = started.product;
  expect(started.workers).toHaveLength(2);
  expect(new Set(started.workers).size).toBe(2);
  expect(started.workers).not.toContain(product.child.pid);

  const answered = new Set<number>();
  for (let request = 0; request < 4; request += 1) answered.add(await answeringPid(product));
  expect([...answered].sort()).toEqual([...started.workers].sort());

  expect(await product.stop('SIGTERM')).toBe(0);
  for (const pid of started.workers) {
    expect(product.logs).toContainEqual(expect.objectContaining({ pid, msg: expect.stringMatching(/^shutting down/) }));
    expect(isRunning(pid)).toBe(false);
  }

  recordFinding({
    kind: 'fault',
    name: 'SIGTERM to the primary of two worker processes',
    tried: 'WORKERS=2 on one Redis: four requests on new connections, then SIGTERM to the primary',
    times: 1,
    result: `the requests were answered by both workers (pids ${[...answered].join(', ')}); each worker ran its graceful shutdown; the primary exited 0 after them`,
  });
});

test('a worker process that dies is replaced, and the deployment still stops cleanly', async () => {
  const started = await startWithWorkers();
  product = started.product;
  const [victim, survivor] = started.workers as [number, number];

  process.kill(victim, 'SIGKILL');
  const restart = await product.waitForLog((line) => line.msg === 'worker process exited unexpectedly; starting another');
  expect(restart).toMatchObject({ pid: victim, signal: 'SIGKILL' });
  const replacement = await product.waitForLog((line) => line.msg === 'guest-idp listening' && !started.workers.includes(line.pid as number));

  const answered = new Set<number>();
  for (let request = 0; request < 4; request += 1) answered.add(await answeringPid(product));
  expect([...answered].sort()).toEqual([survivor, replacement.pid as number].sort());

  expect(await product.stop('SIGTERM')).toBe(0);
  expect(isRunning(replacement.pid as number)).toBe(false);

  recordFinding({
    kind: 'fault',
    name: 'A worker process killed',
    tried: 'SIGKILL to one of two worker processes',
    times: 1,
    result: `the primary logged it (restart in ${restart.restartInMs} ms), a new worker listened and answered beside the survivor; SIGTERM then stopped all with exit code 0`,
  });
});

test('development mode with WORKERS=2: the demo is there before any worker answers, and every worker accepts the admin token the banner shows', async () => {
  const outbox = mkdtempSync(join(tmpdir(), 'guest-idp-outbox-'));
  try {
    product = await startProductProcess({ REDIS_URL: process.env.REDIS_URL as string, REDIS_KEY_PREFIX: uniqueNamespace(), WORKERS: '2', LOG_LEVEL: 'info', OUTBOX_DIR: outbox });
    const [, adminToken] = await product.waitForOutput(/Admin token\s+(\S+)/) as unknown as [string, string];
    const { workers } = await product.waitForLog((line) => line.msg === 'worker processes listening') as { workers: number[] };

    const answered = new Set<number>();
    for (let request = 0; request < 4; request += 1) {
      answered.add(await answeringPid(product, '/admin/tenants/contoso', { authorization: `Bearer ${adminToken}` }));
    }
    expect([...answered].sort()).toEqual([...workers].sort());
    expect(await product.stop('SIGTERM')).toBe(0);
  } finally {
    rmSync(outbox, { recursive: true, force: true });
  }
});

test('WORKERS=2 when Redis does not answer: the deployment does not start, and says why, instead of restarting workers forever', async () => {
  const env = productionEnv({ WORKERS: '2', REDIS_URL: `redis://127.0.0.1:${await freePort()}`, PORT: String(await freePort()) });
  const { code, stderr } = await runProductUntilExit(env);
  expect(code).toBe(1);
  expect(stderr).toContain('guest-idp cannot start: Redis does not answer at 127.0.0.1:');
});
