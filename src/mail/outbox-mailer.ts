import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Logger } from 'pino';

import type { MailMessage, Mailer } from './mailer.ts';

export interface OutboxEntry extends MailMessage {
  id: string;
  from: string;
  date: string;
}

/** What `/dev/outbox` shows: this run's mail, and how much older mail it leaves out. */
export interface OutboxListing {
  /** Sent since this run of the server started, newest first. */
  messages: OutboxEntry[];
  /** Files in the outbox from earlier runs, not shown: their links and codes belong to those runs. */
  earlier: number;
}

/**
 * Development mail: every message is written to OUTBOX_DIR as JSON and logged, nothing is sent.
 * `/dev/outbox` lists what it caught in this run of the server: the folder outlives restarts, but
 * with the in-memory store an earlier run's codes and invitation links lead nowhere, and a
 * developer who copied one from the top of the list was left wondering why.
 */
export class OutboxMailer implements Mailer {
  readonly #directory: string;
  readonly #from: string;
  readonly #log: Logger;
  readonly #runStartedAt: string;

  /** `runStartedAt`: when this run began (with worker processes, the primary's start, so all agree). */
  constructor(directory: string, from: string, log: Logger, runStartedAt: Date = new Date()) {
    this.#directory = directory;
    this.#from = from;
    this.#log = log;
    this.#runStartedAt = runStartedAt.toISOString();
  }

  async send(message: MailMessage): Promise<void> {
    const date = new Date().toISOString();
    const entry: OutboxEntry = { id: `${date.replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`, from: this.#from, date, ...message };
    await mkdir(this.#directory, { recursive: true });
    const file = join(this.#directory, `${entry.id}.json`);
    await writeFile(file, `${JSON.stringify(entry, null, 2)}\n`);
    this.#log.info({ subject: message.subject, file }, 'mail written to the development outbox');
  }

  async probe(): Promise<void> {}

  close(): void {}

  /** This run's mail, newest first, at most `limit`; earlier runs' are counted, not read. */
  async list(limit = 50): Promise<OutboxListing> {
    let names: string[];
    try {
      names = (await readdir(this.#directory)).filter((name) => name.endsWith('.json')).sort().reverse();
    } catch {
      return { messages: [], earlier: 0 };
    }
    // A file's name starts with its send time, written as the id (colons and dots as hyphens).
    const since = `${this.#runStartedAt.replace(/[:.]/g, '-')}`;
    const current = names.filter((name) => name >= since);
    const messages = await Promise.all(current.slice(0, limit).map(async (name) => JSON.parse(await readFile(join(this.#directory, name), 'utf8')) as OutboxEntry));
    return { messages, earlier: names.length - current.length };
  }
}
