import type { Middleware } from 'koa';
import type { Logger } from 'pino';

import { StoreUnavailableError } from '../errors.ts';
import type { Pages } from './pages.ts';
import { prefersHtml } from './prefers-html.ts';

/**
 * Whatever escaped every other handler: a 503 when the store is down (the process keeps running
 * and recovers when Redis is back), a 500 otherwise. Browsers get a page, programs get JSON.
 */
export function unhandledErrors(pages: Pages, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const unavailable = error instanceof StoreUnavailableError;
      const status = unavailable ? 503 : 500;
      if (unavailable) log.warn({ err: error, requestId: ctx.state.requestId }, 'store unavailable');
      else log.error({ err: error, requestId: ctx.state.requestId }, 'request failed');
      if (unavailable) ctx.set('Retry-After', '5');
      if (prefersHtml(ctx)) {
        pages.send(ctx, 'error', {
          title: unavailable ? 'Sign-in is briefly unavailable' : 'Something went wrong',
          message: unavailable
            ? 'We cannot reach our data store right now. Nothing was lost.'
            : 'The request failed unexpectedly.',
          hint: 'Wait a moment and try again.',
          reference: ctx.state.requestId,
        }, status);
        return;
      }
      ctx.status = status;
      ctx.body = unavailable
        ? { error: 'temporarily_unavailable', error_description: (error as StoreUnavailableError).error_description }
        : { error: 'server_error', error_description: 'The request failed unexpectedly.' };
    }
  };
}
