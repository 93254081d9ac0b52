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
  close(): Promise<void>;
}

export async function startSmtpListener(): Promise<SmtpListener> {
  const messages: ParsedMail[] = [];
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
    onData(stream, _session, callback) {
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
  server.listen(0, '127.0.0.1');
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
