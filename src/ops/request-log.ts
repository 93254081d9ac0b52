import { randomUUID } from 'node:crypto';

import type { Middleware } from 'koa';
import type { Logger } from 'pino';

import { areaOf, type Metrics } from './metrics.ts';

/**
 * The outermost middleware: gives each request an id, and when it ends logs one JSON line (path
 * only, never the query: it can hold codes and addresses) and counts it.
 */
export function requestLog(log: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    // Read before anything rewrites the URL for oidc-provider.
    const path = ctx.path;
    const requestId = randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      // oidc-provider writes to the raw response, so its status is on ctx.res.
      const status = ctx.respond === false ? ctx.res.statusCode : ctx.status;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const area = areaOf(path);
      metrics.httpRequests.inc({ area, method: ctx.method, status: `${Math.floor(status / 100)}xx` });
      metrics.httpDuration.observe({ area }, seconds);
      log.info({ requestId, method: ctx.method, path, status, ms: Math.round(seconds * 1000) }, 'request');
    }
  };
}
