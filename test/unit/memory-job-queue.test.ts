import { MemoryJobQueue } from '../../src/store/memory-job-queue.ts';

/** The development store's job queue follows the same retry policy as the Redis one. */

test('a failing job is retried with exponential backoff until it succeeds', async () => {
  const delays: number[] = [];
  let tries = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => { finished = resolve; });
  const queue = new MemoryJobQueue<{ n: number }>({
    async run(job) {
      tries += 1;
      expect(job.attempt).toBe(tries);
      if (tries < 3) throw new Error('mail server down');
      expect(job.data).toEqual({ n: 7 });
      finished();
    },
    async giveUp() { throw new Error('must not give up'); },
    retrying: (_job, _error, delayMs) => { delays.push(delayMs); },
  }, { attempts: 5, backoffMs: 2 }, 1);
  await queue.add('job-1', { n: 7 });
  expect(await queue.depth()).toBe(1);
  await done;
  expect(delays).toEqual([2, 4]);
  await queue.close(100);
});

test('after the last attempt the job is given up, once, and the queue is empty', async () => {
  const givenUp: Array<{ id: string; attempt: number; reason: string }> = [];
  let gaveUp!: () => void;
  const over = new Promise<void>((resolve) => { gaveUp = resolve; });
  const queue = new MemoryJobQueue<string>({
    async run() { throw new Error('refused'); },
    async giveUp(job, error) {
      givenUp.push({ id: job.id, attempt: job.attempt, reason: (error as Error).message });
      gaveUp();
    },
  }, { attempts: 3, backoffMs: 1 }, 2);
  await queue.add('job-2', 'mail');
  await over;
  // Closing waits for the job to end.
  await queue.close(100);
  expect(givenUp).toEqual([{ id: 'job-2', attempt: 3, reason: 'refused' }]);
  expect(await queue.depth()).toBe(0);
});
