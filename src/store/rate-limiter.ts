import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import { StoreUnavailableError } from '../errors.ts';

/** A limit: at most `points` hits per `durationSeconds`; over it, blocked for `blockSeconds`. */
export interface RateLimitRule {
  points: number;
  durationSeconds: number;
  /** Defaults to the rest of the window. */
  blockSeconds?: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** Hits left in the window after this one. */
  remaining: number;
  /** Seconds until the window (or a block) ends and hits are allowed again. */
  retryAfterSeconds: number;
}

/**
 * Our view of a rate-limiter-flexible limiter: the Redis one in production, the memory one in the
 * embedded store. Keys are opaque strings; callers hash anything personal (addresses) first.
 */
export class RateLimiter {
  readonly #limiter: RateLimiterAbstract;

  constructor(limiter: RateLimiterAbstract) {
    this.#limiter = limiter;
  }

  /** Counts a hit and says whether it was within the limit. */
  async hit(key: string): Promise<RateLimitVerdict> {
    try {
      const result = await this.#limiter.consume(key);
      return { allowed: true, remaining: result.remainingPoints, retryAfterSeconds: secondsUntil(result) };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return refused(outcome);
      throw new StoreUnavailableError(outcome);
    }
  }

  /** Gives back one hit that turned out not to count (rate-limiter-flexible's reward). */
  async refund(key: string): Promise<void> {
    try {
      await this.#limiter.reward(key);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  /** Whether a hit now would be refused, without counting one. */
  async check(key: string): Promise<RateLimitVerdict> {
    let result: RateLimiterRes | null;
    try {
      result = await this.#limiter.get(key);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    if (!result) return { allowed: true, remaining: this.#limiter.points, retryAfterSeconds: 0 };
    return result.remainingPoints > 0 && result.consumedPoints <= this.#limiter.points
      ? { allowed: true, remaining: result.remainingPoints, retryAfterSeconds: 0 }
      : refused(result);
  }

  async reset(key: string): Promise<void> {
    try {
      await this.#limiter.delete(key);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }
}

function refused(result: RateLimiterRes): RateLimitVerdict {
  return { allowed: false, remaining: 0, retryAfterSeconds: secondsUntil(result) };
}

function secondsUntil(result: RateLimiterRes): number {
  return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
}
