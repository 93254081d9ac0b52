import type { Middleware } from 'koa';

/**
 * Headers every response carries, oidc-provider's included. The page CSP is set by Pages.send,
 * only on our HTML: oidc-provider's own form_post page brings its own.
 */
export function securityHeaders(baseUrl: string): Middleware {
  const https = baseUrl.startsWith('https:');
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (https) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
