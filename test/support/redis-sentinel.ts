import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { freePort } from './redis-server.ts';

/**
 * A Redis primary, one replica and one Sentinel (Debian's redis-server and redis-sentinel) on free
 * loopback ports, for failover tests. Every step is awaited on what the servers themselves print
 * (ready, replica in sync, sentinel knows the replica, +switch-master), never on a sleep.
 */
export interface SentinelGroup {
  /** The name the sentinel monitors the primary under (REDIS_SENTINEL_NAME). */
  name: string;
  /** The sentinel's address (REDIS_SENTINELS). */
  sentinel: string;
  primary: RedisNode;
  replica: RedisNode;
  /** Resolves with the new primary's address once the sentinel announces +switch-master. */
  switchedMaster: Promise<string>;
  /** Whether +switch-master has been announced yet. */
  hasSwitched(): boolean;
  /** Kills everything (SIGKILL) and deletes the sentinel's files; safe to call after a partial start. */
  remove(): Promise<void>;
}

export interface RedisNode {
  port: number;
  url: string;
  /** Kills it like a crash. */
  kill(): Promise<void>;
}

/** What a failover takes is mostly these two: how long until the primary is "down", and the failover deadline. */
export interface SentinelTimings {
  downAfterMilliseconds: number;
  failoverTimeoutMilliseconds: number;
}

interface Server {
  child: ChildProcess;
  /** Resolves with the first output line (past or future) that matches. */
  waitForLine(pattern: RegExp): Promise<string>;
}

function startServer(command: string, args: string[]): Server {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: Array<{ pattern: RegExp; resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let ended: Error | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiting]) {
      if (!waiter.pattern.test(line)) continue;
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const end = (error: Error) => {
    ended ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${ended.message}, before printing ${waiter.pattern}: ${lines.slice(-5).join(' | ')}`));
  };
  child.once('exit', (code, signal) => end(new Error(`${command} exited (${code ?? signal})`)));
  child.once('error', end);
  return {
    child,
    waitForLine(pattern) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      if (ended) return Promise.reject(new Error(`${ended.message}, before printing ${pattern}: ${lines.slice(-5).join(' | ')}`));
      return new Promise((resolve, reject) => { waiting.push({ pattern, resolve, reject }); });
    },
  };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

function node(server: Server, port: number): RedisNode {
  return { port, url: `redis://127.0.0.1:${port}`, kill: () => kill(server.child) };
}

export async function startSentinelGroup(
  { downAfterMilliseconds = 1_000, failoverTimeoutMilliseconds = 3_000 }: Partial<SentinelTimings> = {},
): Promise<SentinelGroup> {
  const name = 'guest-idp-primary';
  const directory = mkdtempSync(join(tmpdir(), 'guest-idp-sentinel-'));
  const servers: Server[] = [];
  const remove = async () => {
    await Promise.all(servers.map((server) => kill(server.child)));
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    const [primaryPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
    // No 5 s wait before the replica's first full sync (Redis 7's diskless default).
    const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0'];

    // Each server works in a directory of its own: a replica's full sync writes an RDB file there.
    const home = (role: string) => {
      const path = join(directory, role);
      mkdirSync(path);
      return ['--dir', path];
    };
    const primary = startServer('redis-server', ['--port', String(primaryPort), ...common, ...home('primary')]);
    servers.push(primary);
    await primary.waitForLine(/Ready to accept connections/);

    const replica = startServer('redis-server', ['--port', String(replicaPort), ...common, ...home('replica'), '--replicaof', '127.0.0.1', String(primaryPort)]);
    servers.push(replica);
    await replica.waitForLine(/MASTER <-> REPLICA sync: Finished with success/);

    // Sentinel rewrites its configuration file as it learns, so it gets one of its own.
    const configFile = join(directory, 'sentinel.conf');
    writeFileSync(configFile, [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${directory}`,
      `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 1`,
      `sentinel down-after-milliseconds ${name} ${downAfterMilliseconds}`,
      `sentinel failover-timeout ${name} ${failoverTimeoutMilliseconds}`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'));
    const sentinel = startServer('redis-sentinel', [configFile]);
    servers.push(sentinel);
    // It must know the replica before the primary dies, or it has nobody to promote.
    await sentinel.waitForLine(new RegExp(`\\+slave slave 127\\.0\\.0\\.1:${replicaPort} `));

    let switched = false;
    const switchedMaster = sentinel.waitForLine(new RegExp(`\\+switch-master ${name} `)).then((line) => {
      switched = true;
      const [host, port] = line.trim().split(/\s+/).slice(-2);
      return `${host}:${port}`;
    });
    // Unobserved until a test awaits it; a sentinel killed at teardown must not fail the run.
    switchedMaster.catch(() => undefined);

    return {
      name,
      sentinel: `127.0.0.1:${sentinelPort}`,
      primary: node(primary, primaryPort),
      replica: node(replica, replicaPort),
      switchedMaster,
      hasSwitched: () => switched,
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
