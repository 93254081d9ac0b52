/** One message to one recipient, always with a plain-text and an HTML body. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Mail did not go out (this time); the mail queue tries again, the operator finds the cause in the log. */
export class MailDeliveryError extends Error {}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /**
   * Opens a connection to the mail server and closes it without sending anything: the worker's
   * stand-in for a code that must not be delivered (an address without a guest), so that such a
   * job meets the same failures and retries as a real one.
   */
  probe(): Promise<void>;
  close(): void;
}
