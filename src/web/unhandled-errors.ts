import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';

import { StoreUnavailableError } from '../errors.ts';
import type { Pages } from './pages.ts';
import { prefersHtml } from './prefers-html.ts';
import { type ProblemCode, sendProblemPage } from './problem-page.ts';

/**
 * Whatever escaped every other handler. A client's own mistake that a library reported as an
 * http-error with `expose` (a body over the limit: 413, malformed JSON or form data: 400, a
 * content type the route does not take: 415) is answered as what it is and logged at info; a
 * store outage is a 503 (the process keeps running and recovers when Redis is back); anything
 * else a logged 500. Browsers get a page, programs get JSON.
 */
export function unhandledErrors(pages: Pages, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const refused = clientErrorStatus(error);
      if (refused !== undefined) {
        log.info({ requestId: ctx.state.requestId, status: refused, reason: (error as Error).message }, 'request refused');
        answerClientError(ctx, pages, refused);
        return;
      }
      const unavailable = error instanceof StoreUnavailableError;
      const status = unavailable ? 503 : 500;
      if (unavailable) log.warn({ err: error, requestId: ctx.state.requestId }, 'store unavailable');
      else log.error({ err: error, requestId: ctx.state.requestId }, 'request failed');
      if (unavailable) ctx.set('Retry-After', '5');
      if (prefersHtml(ctx)) {
        sendProblemPage(pages, ctx, unavailable ? 'unavailable' : 'serverError', status);
        return;
      }
      ctx.status = status;
      ctx.body = unavailable
        ? { error: 'temporarily_unavailable', error_description: (error as StoreUnavailableError).error_description }
        : { error: 'server_error', error_description: 'The request failed unexpectedly.' };
    }
  };
}

/** The 4xx of an http-error (http-errors, raw-body, co-body) that is safe to show; undefined for anything else. */
function clientErrorStatus(error: unknown): number | undefined {
  const { status, expose } = (error ?? {}) as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true ? status : undefined;
}

/** JSON callers get an OAuth-style error; browsers the catalogue's page for `problem`. */
const CLIENT_ERRORS: Record<number, { error: string; problem: ProblemCode; message: string }> = {
  413: { error: 'request_too_large', problem: 'requestTooLarge', message: 'The form you sent is larger than any form of ours can be.' },
  415: { error: 'unsupported_media_type', problem: 'unsupportedMediaType', message: 'The request was sent in a format this address does not take.' },
};
const MALFORMED = { error: 'invalid_request', problem: 'malformedRequest' as const, message: 'The request was malformed.' };

function answerClientError(ctx: Context, pages: Pages, status: number): void {
  const { error, problem, message } = CLIENT_ERRORS[status] ?? MALFORMED;
  if (prefersHtml(ctx)) {
    sendProblemPage(pages, ctx, problem, status);
    return;
  }
  ctx.status = status;
  ctx.body = { error, error_description: message };
}
