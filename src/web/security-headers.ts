import type { Middleware } from 'koa';

import { PAGE_CONTENT_SECURITY_POLICY } from './pages.ts';

/**
 * Headers every response carries, oidc-provider's included. The strict page CSP goes on every
 * response up front, so no HTML (a redirect's "Redirecting to" body, a page of oidc-provider's)
 * ever leaves without it; the one page that needs a script widens it itself (Pages.send).
 */
export function securityHeaders(baseUrl: string): Middleware {
  const https = baseUrl.startsWith('https:');
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    if (https) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
