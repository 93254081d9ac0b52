import type { Server, ServerResponse } from 'node:http';

import type { Logger } from 'pino';

export interface ShutdownOptions {
  /** How long in-flight requests get to finish before their connections are cut. */
  graceMs: number;
  log: Logger;
  /** Closes what the process owns besides the server (the app's workers, the store). */
  release(): Promise<void>;
  /** Ends the process; main passes process.exit. */
  exit(code: number): void;
  /**
   * The signals that stop the server (default SIGTERM and SIGINT). A worker process listens to
   * SIGTERM only: its primary turns either signal into SIGTERM for every worker.
   */
  signals?: NodeJS.Signals[];
}

/**
 * Stops the server the way a load balancer expects on SIGTERM or SIGINT: the listening socket
 * closes at once (new connections are refused), requests already received finish and get their
 * normal answer, keep-alive connections are closed as soon as they fall idle, then everything
 * else is released and the process exits 0. A second signal, or the grace period running out,
 * cuts the remaining connections and exits 1: an orchestrator's SIGKILL should never be needed.
 *
 * Call before the server handles its first request: it counts requests from the 'request' event.
 */
export function stopOnSignals(server: Server, options: ShutdownOptions): void {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;

  server.prependListener('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    // A request that still arrives on a busy keep-alive connection is answered, then the connection ends.
    if (stopping) response.shouldKeepAlive = false;
    response.once('close', () => {
      inFlight.delete(response);
      if (stopping) server.closeIdleConnections();
    });
  });

  let releasing = false;
  let forced = false;
  const release = async () => {
    if (releasing) return;
    releasing = true;
    let failed = false;
    try {
      await options.release();
    } catch (error) {
      options.log.error({ err: error }, 'shutdown: releasing resources failed');
      failed = true;
    }
    options.exit(forced || failed ? 1 : 0);
  };

  const force = (reason: string) => {
    forced = true;
    options.log.warn({ reason, requestsCut: inFlight.size }, 'shutdown forced: cutting the remaining connections');
    server.closeAllConnections();
    // Still releasing (a store that does not answer its QUIT): stop waiting for it.
    if (releasing) options.exit(1);
    else void release();
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      force(`second ${signal}`);
      return;
    }
    stopping = true;
    server.close(() => void release());
    // Answers still being worked on end their connection instead of keeping it alive.
    for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
    server.closeIdleConnections();
    setTimeout(() => force(`grace period of ${options.graceMs} ms over`), options.graceMs).unref();
    options.log.info({ signal, requestsInFlight: inFlight.size }, 'shutting down: no new connections, finishing requests in flight');
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, stop);
}
