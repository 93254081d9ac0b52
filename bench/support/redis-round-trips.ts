import { Redis } from 'ioredis';

/**
 * Counts the requests clients send to Redis while `action` runs, with MONITOR: commands a Lua
 * script runs inside Redis are not round trips, and a MULTI…EXEC block is sent as one. MONITOR
 * slows Redis down, so this runs apart from the throughput rounds.
 */
export async function countRoundTrips(redisUrl: string, action: () => Promise<void>): Promise<number> {
  const connection = new Redis(redisUrl);
  const monitor = await connection.monitor();
  let roundTrips = 0;
  let inTransaction = false;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const command = (args[0] ?? '').toLowerCase();
    if (command === 'multi') {
      inTransaction = true;
      roundTrips += 1;
    } else if (command === 'exec' || command === 'discard') {
      inTransaction = false;
    } else if (!inTransaction) {
      roundTrips += 1;
    }
  });
  try {
    await action();
    // MONITOR reports asynchronously; a PING on the monitored server marks the end of the action's commands.
    const marker = new Redis(redisUrl);
    const seen = new Promise<void>((resolve) => monitor.on('monitor', (_time: string, args: string[]) => { if (args[0] === 'echo' && args[1] === 'round-trips-end') resolve(); }));
    await marker.echo('round-trips-end');
    await seen;
    marker.disconnect();
    return roundTrips - 1;
  } finally {
    monitor.disconnect();
    connection.disconnect();
  }
}
