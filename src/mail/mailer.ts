/** One message to one recipient, always with a plain-text and an HTML body. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Mail did not go out; the guest is told to try again, the operator finds the cause in the log. */
export class MailDeliveryError extends Error {}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /**
   * Opens a connection to the mail server and closes it without sending anything: the same work
   * and the same failures as a send, for answers that must not differ in timing from one.
   */
  probe(): Promise<void>;
  close(): void;
}
