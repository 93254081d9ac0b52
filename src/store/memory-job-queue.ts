import { backoffDelay, type Job, type JobHandlers, type JobQueue, type RetryPolicy } from './job-queue.ts';

/**
 * The embedded store's JobQueue: jobs run in this process, retried on timers under the same
 * policy as the Redis queue. Like everything in the memory store, jobs are lost with the process
 * (development mode only).
 */
export class MemoryJobQueue<T> implements JobQueue<T> {
  readonly #handlers: JobHandlers<T>;
  readonly #policy: RetryPolicy;
  readonly #concurrency: number;
  /** Due now, in order. */
  readonly #waiting: Job<T>[] = [];
  /** Waiting for a retry. */
  readonly #delayed = new Map<Job<T>, NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(handlers: JobHandlers<T>, policy: RetryPolicy, concurrency: number) {
    this.#handlers = handlers;
    this.#policy = policy;
    this.#concurrency = concurrency;
  }

  async add(id: string, data: T, delayMs = 0): Promise<void> {
    this.#schedule({ id, data, attempt: 1 }, delayMs);
  }

  async depth(): Promise<number> {
    return this.#waiting.length + this.#delayed.size + this.#running.size;
  }

  async close(graceMs: number): Promise<void> {
    this.#closed = true;
    for (const timer of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.#running),
      new Promise((resolve) => { timer = setTimeout(resolve, graceMs); }),
    ]);
    clearTimeout(timer);
  }

  #next(): void {
    while (!this.#closed && this.#running.size < this.#concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift() as Job<T>;
      const running = this.#run(job).finally(() => {
        this.#running.delete(running);
        this.#next();
      });
      this.#running.add(running);
    }
  }

  async #run(job: Job<T>): Promise<void> {
    try {
      await this.#handlers.run(job);
    } catch (error) {
      if (job.attempt >= this.#policy.attempts) {
        await this.#handlers.giveUp(job, error).catch((trouble: unknown) => this.#handlers.trouble?.(trouble));
        return;
      }
      const delayMs = backoffDelay(this.#policy, job.attempt);
      this.#schedule({ ...job, attempt: job.attempt + 1 }, delayMs);
      this.#handlers.retrying?.(job, error, delayMs);
    }
  }

  #schedule(job: Job<T>, delayMs: number): void {
    if (this.#closed) return;
    this.#delayed.set(job, setTimeout(() => {
      this.#delayed.delete(job);
      this.#waiting.push(job);
      this.#next();
    }, delayMs));
  }
}
