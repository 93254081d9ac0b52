import type { Middleware } from 'koa';
import type { Logger } from 'pino';

import { GuestIdpError, TooManyRequestsError } from '../errors.ts';

/**
 * Every admin API failure as Microsoft Graph shapes it: `{"error": {"code", "message"}}`.
 * Body-parser failures (http-errors with a status) keep their status; anything unexpected is a
 * logged 500 that says nothing of internals.
 */
export function adminErrors(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof GuestIdpError) {
        ctx.status = error.status;
        ctx.body = { error: { code: error.code, message: error.message } };
        if (error instanceof TooManyRequestsError) ctx.set('Retry-After', String(error.retryAfterSeconds));
        if (error.status >= 500) log.warn({ err: error }, 'admin request failed: %s', error.message);
        return;
      }
      const status = (error as { status?: number }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: { code: bodyErrorCode(status), message: bodyErrorMessage(status, error as Error) } };
        return;
      }
      log.error({ err: error }, 'admin request failed');
      ctx.status = 500;
      ctx.body = { error: { code: 'InternalServerError', message: 'The request failed unexpectedly; nothing was changed that the response did not report.' } };
    }
  };
}

function bodyErrorCode(status: number): string {
  if (status === 413) return 'RequestEntityTooLarge';
  if (status === 415) return 'UnsupportedMediaType';
  return 'BadRequest';
}

function bodyErrorMessage(status: number, error: Error): string {
  if (status === 413) return 'The request body is too large.';
  if (status === 415) return 'Send the body as application/json.';
  return `The request body is not valid JSON: ${error.message}`;
}
