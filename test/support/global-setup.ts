import { startOwnRedis } from './redis-server.ts';

/**
 * `npm test` needs a real Redis: REDIS_URL when given (CI points it at the machine's Redis),
 * otherwise a redis-server of its own on a free port, stopped in global-teardown.ts.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  try {
    const redis = await startOwnRedis();
    process.env.REDIS_URL = redis.url;
    (globalThis as { ownRedis?: typeof redis }).ownRedis = redis;
  } catch (error) {
    throw new Error(`The tests need Redis: set REDIS_URL, or install redis-server so they can start one (${(error as Error).message})`);
  }
}
