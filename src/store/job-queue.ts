/**
 * A durable job queue with retries: work that must happen after an answer was sent (mail), and
 * must survive a failing dependency and a restart. Redis (BullMQ) in production, timers in one
 * process for the embedded development store. Both follow the same retry policy.
 */

/** Tries at most `attempts` times; the wait before try n+1 is `backoffMs * 2^(n-1)`. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export interface Job<T> {
  id: string;
  data: T;
  /** 1 for the first try. */
  attempt: number;
}

export interface JobHandlers<T> {
  /** Does the work; a throw means "try again later" until the policy's attempts are used up. */
  run(job: Job<T>): Promise<void>;
  /** Called once when the last attempt failed, with its error. */
  giveUp(job: Job<T>, error: unknown): Promise<void>;
  /** A try failed and another is scheduled. */
  retrying?(job: Job<T>, error: unknown, delayMs: number): void;
  /** The queue itself has trouble (its store connection); jobs are kept and resumed. */
  trouble?(error: unknown): void;
}

export interface JobQueue<T> {
  /**
   * Stores the job for a worker, to run no sooner than `delayMs` from now; rejects with
   * StoreUnavailableError when it could not be stored.
   */
  add(id: string, data: T, delayMs?: number): Promise<void>;
  /** Jobs not finished yet: waiting, delayed for a retry, and running. */
  depth(): Promise<number>;
  /** Stops taking jobs, lets the running ones finish (for at most `graceMs`), and lets go of connections. */
  close(graceMs: number): Promise<void>;
}

/** The wait before the next try after `failedAttempts` failed ones (BullMQ's exponential backoff). */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  return policy.backoffMs * 2 ** (failedAttempts - 1);
}
