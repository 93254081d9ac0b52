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

/**
 * Development mail: every message is written to OUTBOX_DIR as JSON and logged, nothing is sent.
 * `/dev/outbox` lists what it caught.
 */
export class OutboxMailer implements Mailer {
  readonly #directory: string;
  readonly #from: string;
  readonly #log: Logger;

  constructor(directory: string, from: string, log: Logger) {
    this.#directory = directory;
    this.#from = from;
    this.#log = log;
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

  /** Newest first. */
  async list(limit = 50): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.#directory)).filter((name) => name.endsWith('.json')).sort().reverse().slice(0, limit);
    } catch {
      return [];
    }
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(this.#directory, name), 'utf8')) as OutboxEntry));
  }
}
