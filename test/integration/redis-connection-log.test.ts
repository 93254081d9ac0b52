import { setTimeout as delay } from 'node:timers/promises';
import { Writable } from 'node:stream';

import { pino } from 'pino';

import { ConnectionLog } from '../../src/store/redis-store.ts';
import { recordFinding } from '../support/findings.ts';
import { type ProductProcess, productionEnv, startProductProcess } from '../support/product-process.ts';
import { type OwnRedis, startOwnRedis } from '../support/redis-server.ts';

/**
 * Redis trouble reaches the operator's log: one line when the connection is lost, one when it is
 * back (with how many reconnects failed in between), never one per failed reconnect, and never a
 * credential.
 */

const FAILED = 'Redis connection failed; requests that need the store get 503 until it is back';
const RESTORED = 'Redis connection restored';
/** How long the outage lasts: ioredis retries every 200 ms, growing, so several reconnects fail. */
const OUTAGE_MS = 1_500;

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, stream) };
}

test('many failed reconnects make one line, recovery another; a password in a message is not logged', async () => {
  const { lines, log } = capturedLogger();
  const connectionLog = new ConnectionLog(log);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    connectionLog.failed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379 (redis://default:hunter2secret@127.0.0.1:6379)'), { code: 'ECONNREFUSED' }));
  }
  connectionLog.ready();
  connectionLog.ready();
  connectionLog.failed(new Error('read ECONNRESET'));
  await delay(0);

  expect(lines.map((line) => line.msg)).toEqual([FAILED, RESTORED, FAILED]);
  expect(lines[0]).toMatchObject({ level: 50, redisError: { code: 'ECONNREFUSED' } });
  expect(lines[1]).toMatchObject({ level: 30, failures: 50 });
  expect(JSON.stringify(lines)).not.toContain('hunter2secret');
});

describe('a product process whose Redis goes away and comes back', () => {
  let redis: OwnRedis;
  let product: ProductProcess;

  beforeAll(async () => {
    redis = await startOwnRedis();
    product = await startProductProcess(productionEnv({ REDIS_URL: redis.url }));
  });

  afterAll(async () => {
    await product.stop();
    await redis.remove();
  });

  test('logs the loss once and the recovery once, and keeps serving', async () => {
    await redis.stop();
    const failed = await product.waitForLog((line) => line.msg === FAILED);
    expect((await fetch(`${product.url}/readyz`)).status).toBe(503);
    await delay(OUTAGE_MS);
    await redis.start();
    const restored = await product.waitForLog((line) => line.msg === RESTORED);
    expect((await fetch(`${product.url}/readyz`)).status).toBe(200);

    const redisLines = product.logs.filter((line) => line.msg === FAILED || line.msg === RESTORED);
    expect(redisLines.map((line) => line.msg)).toEqual([FAILED, RESTORED]);
    expect(failed).toMatchObject({ level: 50, redisError: { message: expect.any(String) } });
    expect(restored.failures).toBeGreaterThanOrEqual(3);

    recordFinding({
      kind: 'fault',
      name: 'Redis connection lost and restored',
      tried: `killed the product's Redis for ${OUTAGE_MS} ms, then started it again`,
      times: 1,
      result: `${restored.failures} failed reconnects made 1 error line and 1 recovery line (outage logged as ${restored.outageMs} ms); /readyz 503 during, 200 after`,
    });
  });
});
