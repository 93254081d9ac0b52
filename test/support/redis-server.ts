import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server of the test's own on a free loopback port: for tests that stop and restart it. */
export interface OwnRedis {
  url: string;
  port: number;
  /** Kills it (SIGKILL, like a crash). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and deletes its files. */
  remove(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts redis-server and resolves once it says it accepts connections (no polling, no sleeps).
 * With `durable`, it keeps an append-only file synced on every write, as production Redis does,
 * so data survives a kill and a restart.
 */
export async function startOwnRedis({ durable = false } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const directory = durable ? mkdtempSync(join(tmpdir(), 'guest-idp-redis-')) : undefined;
  const persistence = directory
    ? ['--dir', directory, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--save', '', '--appendonly', 'no'];
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...persistence], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child?.once('error', reject);
      child?.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
    });
    child.removeAllListeners('exit');
  };

  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async remove() {
      await stop();
      if (directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
