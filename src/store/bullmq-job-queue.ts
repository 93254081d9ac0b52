import { type Job as BullJob, Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

import { StoreUnavailableError } from '../errors.ts';
import { backoffDelay, type Job, type JobHandlers, type JobQueue, type RetryPolicy } from './job-queue.ts';

/**
 * A JobQueue on Redis with BullMQ. Jobs are stored in Redis before `add` resolves, so a job
 * outlives the process that added it: after a crash or restart any process's worker takes it up.
 *
 * `prefix` carries a hash tag (see Keys.jobQueue) so BullMQ's multi-key scripts work on Redis
 * Cluster. Jobs are removed once done or given up: their data (sealed mail) is not kept.
 */
export class BullJobQueue<T> implements JobQueue<T> {
  readonly #queue: Queue;
  readonly #worker: Worker;
  readonly #connections: Array<Redis | Cluster>;

  /**
   * `producer` fails fast like the store's client (a request gets a 503, not a hang); `consumer`
   * waits for Redis as long as it takes (maxRetriesPerRequest null, which BullMQ's blocking
   * connection requires). Both are the caller's to create and this queue's to close.
   */
  constructor(name: string, prefix: string, connections: { producer: Redis | Cluster; consumer: Redis | Cluster }, handlers: JobHandlers<T>, policy: RetryPolicy, concurrency: number) {
    this.#connections = [connections.producer, connections.consumer];
    for (const connection of this.#connections) connection.on('error', () => {});
    this.#queue = new Queue(name, {
      connection: connections.producer,
      prefix,
      defaultJobOptions: {
        attempts: policy.attempts,
        backoff: { type: 'exponential', delay: policy.backoffMs },
        removeOnComplete: true,
        removeOnFail: true,
      },
    });
    this.#queue.on('error', (error) => handlers.trouble?.(error));

    const jobOf = (job: BullJob): Job<T> => ({ id: job.id as string, data: job.data as T, attempt: job.attemptsMade + 1 });
    this.#worker = new Worker(name, async (job: BullJob) => {
      const current = jobOf(job);
      try {
        await handlers.run(current);
      } catch (error) {
        // Inside the job, so the record of a final failure is written before the job is let go.
        if (current.attempt >= policy.attempts) await handlers.giveUp(current, error);
        throw error;
      }
    }, { connection: connections.consumer, prefix, concurrency });
    // 'failed' comes after BullMQ has moved the job (a retry is scheduled in Redis by then) and
    // counted the failed attempt.
    this.#worker.on('failed', (job, error) => {
      if (job && job.attemptsMade < policy.attempts) {
        handlers.retrying?.({ ...jobOf(job), attempt: job.attemptsMade }, error, backoffDelay(policy, job.attemptsMade));
      }
    });
    this.#worker.on('error', (error) => handlers.trouble?.(error));
  }

  async add(id: string, data: T, delayMs = 0): Promise<void> {
    try {
      await this.#queue.add('job', data, { jobId: id, ...(delayMs > 0 ? { delay: delayMs } : {}) });
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  async depth(): Promise<number> {
    try {
      const counts = await this.#queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  async close(graceMs: number): Promise<void> {
    // Running jobs get graceMs to finish; one still running after that is left to BullMQ's
    // stalled-job check, which hands it to another worker once its lock runs out. Every step is
    // bounded: with Redis gone, shutting down must not hang on it.
    if (!(await within(this.#worker.close(), graceMs))) await within(this.#worker.close(true), graceMs);
    await within(this.#queue.close(), graceMs);
    for (const connection of this.#connections) connection.disconnect();
  }
}

/** Whether the promise settled within `ms` (a rejection counts as settled). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
