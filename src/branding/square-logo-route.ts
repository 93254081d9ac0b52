import Router from '@koa/router';

import { LOGO_CACHE_SECONDS } from '../limits.ts';
import type { BrandingRepository } from '../store/branding-repository.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import { LOGO_CONTENT_TYPES } from './branding.ts';

/**
 * `GET /{tenant}/v2.0/branding/squareLogo`: the tenant's logo, for its pages and mails. Under the
 * tenant's own path, so a verified domain works in place of the id, and on our own origin, so the
 * pages' strict CSP (`img-src 'self'`) admits it unchanged. Browsers may keep it for
 * LOGO_CACHE_SECONDS and then revalidate by ETag (the content hash); the URLs pages use carry the
 * hash, so a new logo shows at once.
 */
export function squareLogoRoute(branding: BrandingRepository): Router<TenantState> {
  const router = new Router<TenantState>({ prefix: '/:tenant/v2.0/branding' });

  router.get('/squareLogo', async (ctx) => {
    const logo = await branding.findSquareLogo(ctx.state.tenant);
    if (!logo) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: `Tenant '${ctx.state.tenant.id}' has no square logo.` };
      return;
    }
    ctx.set('Cache-Control', `public, max-age=${LOGO_CACHE_SECONDS}`);
    ctx.set('ETag', `"${logo.info.sha256}"`);
    // The bytes were checked to be this type on upload; nosniff keeps browsers from guessing another.
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = LOGO_CONTENT_TYPES[logo.info.format];
    ctx.body = logo.bytes;
  });

  return router;
}
