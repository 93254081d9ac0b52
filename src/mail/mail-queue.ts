import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import type { Logger } from 'pino';

import { MAIL_START_DELAY_MS } from '../limits.ts';
import type { JobQueue, RetryPolicy } from '../store/job-queue.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { MailMessage, Mailer } from './mailer.ts';

/** The sign-in attempt a passcode mail belongs to: a final failure is shown on its code page. */
export interface MailSignIn {
  tenantId: string;
  uid: string;
}

/** A queued mail as stored: everything about it sealed, so no code, link or address lies in Redis in the clear. */
interface MailJob {
  sealed: string;
  signIn?: MailSignIn;
}

/** What is sealed. `deliver: false` is a code for an address without a guest: checked, never sent. */
interface SealedMail {
  message: MailMessage;
  deliver: boolean;
}

export interface MailQueueOptions {
  store: KeyValueStore;
  /** Keys.jobQueue('mail'). */
  keyPrefix: string;
  mailer: Mailer;
  secrets: SecretBox;
  policy: RetryPolicy;
  concurrency: number;
  log: Logger;
  /** Records that a sign-in attempt's code mail finally failed. */
  undeliverable(signIn: MailSignIn, mailId: string): Promise<void>;
}

/** Events for observers (metrics, tests): each carries the mail's id. */
interface MailQueueEvents {
  /** Done: delivered, or for `deliver: false`, the mail server answered. */
  done: [mailId: string];
  retrying: [mailId: string];
  undeliverable: [mailId: string];
}

/**
 * Mail goes out after the answer: a request seals the message into a job and returns; a worker
 * sends it, retrying with backoff while the mail server fails, so a blip loses nothing and no
 * answer waits on (or its timing reveals anything about) the mail server.
 */
export class MailQueue extends EventEmitter<MailQueueEvents> {
  readonly #jobs: JobQueue<MailJob>;
  readonly #mailer: Mailer;
  readonly #secrets: SecretBox;

  constructor(options: MailQueueOptions) {
    super();
    this.#mailer = options.mailer;
    this.#secrets = options.secrets;
    const log = options.log;
    this.#jobs = options.store.jobQueue<MailJob>(options.keyPrefix, {
      run: async (job) => {
        const mail = JSON.parse(this.#secrets.open(job.data.sealed, boundTo(job.id))) as SealedMail;
        if (mail.deliver) await this.#mailer.send(mail.message);
        else await this.#mailer.probe();
        this.emit('done', job.id);
      },
      giveUp: async (job, error) => {
        log.error({ mailId: job.id, attempts: job.attempt, reason: reasonOf(error) }, 'mail undeliverable: giving up');
        try {
          if (job.data.signIn) await options.undeliverable(job.data.signIn, job.id);
        } catch (trouble) {
          log.error({ err: trouble, mailId: job.id }, 'could not record an undeliverable code mail');
        }
        this.emit('undeliverable', job.id);
      },
      retrying: (job, error, delayMs) => {
        log.warn({ mailId: job.id, attempt: job.attempt, retryInMs: delayMs, reason: reasonOf(error) }, 'mail attempt failed, retrying');
        this.emit('retrying', job.id);
      },
      trouble: (error) => log.warn({ err: error }, 'mail queue cannot reach its store'),
    }, options.policy, options.concurrency);
  }

  /**
   * Seals the message and queues it, to go out after MAIL_START_DELAY_MS; resolves with its id
   * once stored. With `deliver: false` the
   * worker only checks the mail server: the same work here and the same retries there as a real
   * mail, for an address that must not be told a code.
   */
  async enqueue(message: MailMessage, { mailId = randomUUID(), deliver = true, signIn }: { mailId?: string; deliver?: boolean; signIn?: MailSignIn } = {}): Promise<string> {
    const sealed = this.#secrets.seal(JSON.stringify({ message, deliver } satisfies SealedMail), boundTo(mailId));
    await this.#jobs.add(mailId, { sealed, ...(signIn ? { signIn } : {}) }, MAIL_START_DELAY_MS);
    return mailId;
  }

  /** Mails not finished yet (waiting, waiting to retry, being sent), for the metrics. */
  depth(): Promise<number> {
    return this.#jobs.depth();
  }

  /** Stops the worker (a mail being sent gets graceMs to finish), then the mailer. */
  async close(graceMs: number): Promise<void> {
    await this.#jobs.close(graceMs);
    this.#mailer.close();
  }
}

/** A sealed mail opens only inside its own job. */
function boundTo(mailId: string): string {
  return `mail-job:${mailId}`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
