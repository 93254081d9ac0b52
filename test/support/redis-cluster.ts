import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './redis-server.ts';

const run = promisify(execFile);

/** A three-master Redis Cluster of the test's own, on loopback. */
export interface OwnRedisCluster {
  nodes: { host: string; port: number }[];
  remove(): Promise<void>;
}

export async function startOwnRedisCluster(): Promise<OwnRedisCluster> {
  const directory = mkdtempSync(join(tmpdir(), 'guest-idp-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const remove = async () => {
    for (const child of children) {
      if (child.exitCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    for (const port of ports) children.push(await startNode(port, directory));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must know all the others and the whole slot map before a client asks any of them.
    for (const port of ports) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok') && stdout.includes(`cluster_known_nodes:${ports.length}`)) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), remove };
}

/** One cluster node; resolves once it accepts connections. */
async function startNode(port: number, directory: string): Promise<ChildProcess> {
  // The cluster bus gets a free port of its own: the default (port + 10000) may be taken or out of range.
  const busPort = await freePort();
  const child = spawn('redis-server', [
    '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
    '--cluster-config-file', `nodes-${port}.conf`, '--dir', directory, '--save', '', '--appendonly', 'no',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return child;
}
