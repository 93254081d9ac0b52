import type { OwnRedis } from './redis-server.ts';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { ownRedis?: OwnRedis }).ownRedis?.stop();
}
