import { once } from 'node:events';

import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP listener in-process (smtp-server) on a free loopback port. Tests read codes and links
 * out of the messages it receives, the way a guest reads their inbox.
 */
export interface SmtpListener {
  url: string;
  /** Every message received so far. */
  messages: ParsedMail[];
  /** Resolves with the next message to the address not yet taken by an earlier call. */
  nextMessageTo(address: string): Promise<ParsedMail>;
  /** While true, the server refuses every message (a failing mail server). */
  refuse: boolean;
  /**
   * From now on the answer to DATA is held back (a slow mail server) until `release`; `arrived`
   * resolves once a message is being held.
   */
  holdData(): { arrived: Promise<void>; release(): void };
  /** Connections closed without a message (a client checking the server: nodemailer's verify()). */
  connectionsWithoutMail: number;
  /** Resolves once `connectionsWithoutMail` has reached `count`. */
  waitForConnectionsWithoutMail(count: number): Promise<void>;
  close(): Promise<void>;
}

export interface SmtpListenerOptions {
  /** Listen on this port (say, one a product process was told about before the server was up). */
  port?: number;
  /** Added to smtp-server's own 100 ms wait before the greeting: a slow mail server. */
  greetingDelayMs?: number;
}

export async function startSmtpListener(options: SmtpListenerOptions = {}): Promise<SmtpListener> {
  const messages: ParsedMail[] = [];
  let held: { arrived: () => void; released: Promise<void> } | undefined;
  const sessionsWithMail = new Set<string>();
  const closeWaiters: Array<{ count: number; resolve: () => void }> = [];
  const taken = new Set<ParsedMail>();
  const waiting: Array<{ address: string; resolve: (mail: ParsedMail) => void }> = [];

  const recipients = (mail: ParsedMail) => [mail.to].flat().flatMap((to) => to?.value.map((entry) => entry.address?.toLowerCase()) ?? []);
  const deliver = () => {
    for (const waiter of [...waiting]) {
      const mail = messages.find((candidate) => !taken.has(candidate) && recipients(candidate).includes(waiter.address));
      if (!mail) continue;
      taken.add(mail);
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(mail);
    }
  };

  const listener: SmtpListener = {
    url: '',
    messages,
    refuse: false,
    holdData() {
      let arrived!: () => void;
      let release!: () => void;
      const arrival = new Promise<void>((resolve) => { arrived = resolve; });
      held = { arrived, released: new Promise<void>((resolve) => { release = resolve; }) };
      return { arrived: arrival, release: () => { held = undefined; release(); } };
    },
    connectionsWithoutMail: 0,
    waitForConnectionsWithoutMail(count) {
      if (listener.connectionsWithoutMail >= count) return Promise.resolve();
      return new Promise((resolve) => closeWaiters.push({ count, resolve }));
    },
    nextMessageTo(address) {
      return new Promise((resolve) => {
        waiting.push({ address: address.toLowerCase(), resolve });
        deliver();
      });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // No DNS on loopback: a reverse lookup would only add its timeout to every message.
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      if (options.greetingDelayMs) setTimeout(() => callback(), options.greetingDelayMs);
      else callback();
    },
    onClose(session) {
      if (sessionsWithMail.has(session.id)) return;
      listener.connectionsWithoutMail += 1;
      for (const waiter of [...closeWaiters]) {
        if (listener.connectionsWithoutMail < waiter.count) continue;
        closeWaiters.splice(closeWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    onData(stream, session, callback) {
      sessionsWithMail.add(session.id);
      const hold = held;
      if (hold) {
        // Read the message, then keep the client waiting for the answer until released.
        simpleParser(stream).then(async (mail) => {
          hold.arrived();
          await hold.released;
          messages.push(mail);
          deliver();
          callback();
        }, callback);
        return;
      }
      if (listener.refuse) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })));
        return;
      }
      simpleParser(stream).then((mail) => {
        messages.push(mail);
        deliver();
        callback();
      }, callback);
    },
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server.server, 'listening');
  listener.url = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  return listener;
}

/** The 8-digit code in a passcode mail. */
export function codeIn(mail: ParsedMail): string {
  const match = /\b(\d{8})\b/.exec(mail.text ?? '');
  if (!match) throw new Error(`no code in mail "${mail.subject}"`);
  return match[1] as string;
}
