import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/**
 * What a benchmarked server reports about itself, read inside its own process: CPU time (steady
 * where wall-clock rates on a small shared machine are not) and Redis round trips, counted as the
 * writes on its Redis sockets. ioredis writes one command per write, and a pipeline or a
 * MULTI…EXEC block as one write, so a write is one request–answer exchange with Redis. Blocking
 * reads of a worker (BullMQ) count too: they are part of what a sign-in costs.
 */
export interface ServerStats {
  /** User plus system CPU time of the process since it started, in microseconds. */
  cpuMicros: number;
  redisRoundTrips: number;
  heapUsedBytes: number;
  rssBytes: number;
}

/** The bench's own path on a benchmarked server; never part of the product. */
export const STATS_PATH = '/__bench/stats';

let redisPorts = new Set<number>();
let redisRoundTrips = 0;
let counting = false;

/** Counts writes to sockets whose peer port is one of `ports` (the bench's Redis servers). */
export function countRedisRoundTrips(ports: number[]): void {
  redisPorts = new Set(ports);
  if (counting) return;
  counting = true;
  const write = Socket.prototype.write;
  Socket.prototype.write = function countedWrite(this: Socket, ...args: Parameters<Socket['write']>) {
    if (this.remotePort !== undefined && redisPorts.has(this.remotePort)) redisRoundTrips += 1;
    return write.apply(this, args);
  } as Socket['write'];
}

export function currentStats(): ServerStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return { cpuMicros: cpu.user + cpu.system, redisRoundTrips, heapUsedBytes: memory.heapUsed, rssBytes: memory.rss };
}

/** Answers STATS_PATH itself and hands every other request to `handle`. */
export function serveWithStats(server: Server, handle: (req: IncomingMessage, res: ServerResponse) => unknown): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === STATS_PATH) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(currentStats()));
      return;
    }
    void handle(req, res);
  });
}

/** The redis-server ports named by REDIS_URL or REDIS_PORTS (comma-separated), for countRedisRoundTrips. */
export function redisPortsFromEnv(env: NodeJS.ProcessEnv = process.env): number[] {
  const ports = (env.REDIS_PORTS ?? '').split(',').filter(Boolean).map(Number);
  if (env.REDIS_URL) ports.push(Number(new URL(env.REDIS_URL).port || 6379));
  return ports;
}

/** Reads a server's stats over HTTP. */
export async function readStats(origin: string): Promise<ServerStats> {
  const response = await fetch(`${origin}${STATS_PATH}`);
  if (!response.ok) throw new Error(`${origin}${STATS_PATH} answered ${response.status}`);
  return await response.json() as ServerStats;
}

/** CPU time and round trips of one measured stretch, per operation. */
export function perOperation(before: ServerStats, after: ServerStats, operations: number): { cpuMs: number; roundTrips: number } {
  return {
    cpuMs: (after.cpuMicros - before.cpuMicros) / 1000 / operations,
    roundTrips: (after.redisRoundTrips - before.redisRoundTrips) / operations,
  };
}
