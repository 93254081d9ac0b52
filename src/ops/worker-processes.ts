import cluster, { type Worker } from 'node:cluster';

import type { Logger } from 'pino';

import { WORKER_RESTART } from '../limits.ts';

export interface WorkerProcessesOptions {
  count: number;
  /** Added to every worker's environment: what the primary decided once for all of them. */
  env: Record<string, string>;
  log: Logger;
}

/**
 * The primary's whole job when WORKERS > 1 (node:cluster): fork `count` workers that run main as a
 * single process would and share its listening port, start again one that dies, and stop them all
 * on SIGTERM or SIGINT. Resolves with the workers' pids once every one of them listens.
 *
 * A worker that dies before all of them first listened means the deployment cannot start (Redis
 * does not answer, the port is taken; the worker said why on stderr): the others are stopped and
 * the primary exits 1, as a single process would, instead of restarting into the same failure.
 *
 * Either signal reaches every worker as SIGTERM, which runs its graceful shutdown; workers do not
 * stop on SIGINT themselves, because Ctrl-C in a terminal signals the whole process group and a
 * worker would then count the primary's SIGTERM as a second signal and cut its requests. A second
 * signal to the primary is forwarded too, and cuts them as it would in a single process. The
 * primary exits once every worker has: 0 when all of them exited 0.
 */
export function runWorkerProcesses({ count, env, log }: WorkerProcessesOptions): Promise<number[]> {
  /** The live workers and when each was forked (cluster.workers may still hold one that has exited). */
  const startedAt = new Map<Worker, number>();
  let listening = 0;
  let started = false;
  let stopping = false;
  let failed = false;
  let restartDelayMs = WORKER_RESTART.firstDelayMs;
  const restartTimers = new Set<NodeJS.Timeout>();

  const fork = () => startedAt.set(cluster.fork(env), Date.now());
  const workers = () => [...startedAt.keys()];

  const stop = (reason: NodeJS.Signals | 'start-up failure') => {
    if (!stopping) log.info({ reason, workers: workers().map((worker) => worker.process.pid) }, 'stopping worker processes');
    stopping = true;
    for (const timer of restartTimers) clearTimeout(timer);
    for (const worker of workers()) worker.process.kill('SIGTERM');
    if (workers().length === 0) process.exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  return new Promise((resolve) => {
    cluster.on('listening', () => {
      listening += 1;
      if (started || listening < count) return;
      started = true;
      const pids = workers().map((worker) => worker.process.pid as number);
      log.info({ workers: pids }, 'worker processes listening');
      resolve(pids);
    });

    cluster.on('exit', (worker, code, signal) => {
      const livedMs = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        if (workers().length === 0) process.exit(failed ? 1 : 0);
        return;
      }
      if (!started) {
        failed = true;
        log.error({ pid: worker.process.pid, code, signal }, 'a worker process could not start; stopping the others');
        stop('start-up failure');
        return;
      }
      // Ran long enough to count as healthy: restart soon; else one more quick death: wait longer.
      const delayMs = livedMs >= WORKER_RESTART.stableAfterMs ? WORKER_RESTART.firstDelayMs : restartDelayMs;
      restartDelayMs = Math.min(delayMs * 2, WORKER_RESTART.maxDelayMs);
      log.warn({ pid: worker.process.pid, code, signal, livedMs, restartInMs: delayMs }, 'worker process exited unexpectedly; starting another');
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        fork();
      }, delayMs);
      restartTimers.add(timer);
    });

    for (let index = 0; index < count; index += 1) fork();
  });
}
