import { pino, type Logger } from 'pino';

/** JSON lines on stdout (pino); LOG_LEVEL picks the level, `silent` turns it off. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'guest-idp' },
    // Secrets never reach the log, whatever object is logged.
    redact: {
      paths: ['*.client_secret', '*.clientSecret', '*.password', '*.code', '*.token', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
