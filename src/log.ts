import { pino, type DestinationStream, type Logger } from 'pino';

/** JSON lines on stdout (pino), or on `destination` (tests read them); LOG_LEVEL picks the level, `silent` turns it off. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    // The pid tells apart the lines of several worker processes (WORKERS) on one output.
    base: { service: 'guest-idp', pid: process.pid },
    // Secrets never reach the log, whatever object is logged.
    redact: {
      paths: ['*.client_secret', '*.clientSecret', '*.password', '*.code', '*.token', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
