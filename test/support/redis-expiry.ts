import { Redis } from 'ioredis';

/**
 * Resolves when Redis itself expires `key`, told by a keyspace notification: the test waits for
 * the event, not for a clock. The server's notification setting is restored afterwards.
 */
export async function watchRedisExpiry(url: string, key: string): Promise<{ expired: Promise<void>; stop(): Promise<void> }> {
  const admin = new Redis(url);
  const subscriber = new Redis(url);
  const [, previous = ''] = (await admin.config('GET', 'notify-keyspace-events')) as string[];
  await admin.config('SET', 'notify-keyspace-events', `${previous.replace(/[Ex]/g, '')}Ex`);
  const database = Number(new URL(url).pathname.slice(1) || 0);
  const channel = `__keyevent@${database}__:expired`;
  const expired = new Promise<void>((resolve) => {
    subscriber.on('message', (_channel: string, expiredKey: string) => {
      if (expiredKey === key) resolve();
    });
  });
  await subscriber.subscribe(channel);
  return {
    expired,
    async stop() {
      await subscriber.quit();
      await admin.config('SET', 'notify-keyspace-events', previous);
      await admin.quit();
    },
  };
}
