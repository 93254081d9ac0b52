import { createHash } from 'node:crypto';

import Router from '@koa/router';

import { BRANDING_CACHE_SECONDS } from '../limits.ts';
import type { BrandingRepository } from '../store/branding-repository.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import { LOGO_CONTENT_TYPES } from './branding.ts';
import { brandingStylesheet } from './branding-view.ts';

/**
 * What pages and mails load of a tenant's branding, under the tenant's own path (a verified
 * domain works in place of the id) and on our own origin, so the pages' strict CSP (`img-src
 * 'self'`, `style-src 'self'`) admits it unchanged:
 *
 * - `GET /{tenant}/v2.0/branding/squareLogo`: the logo;
 * - `GET /{tenant}/v2.0/branding/style.css`: the background colour as CSS custom properties (a
 *   style attribute would break the CSP).
 *
 * Browsers may keep either for BRANDING_CACHE_SECONDS, then revalidate by ETag (a content hash); the
 * URLs pages use carry a version, so a change shows at once.
 */
export function brandingRoutes(branding: BrandingRepository): Router<TenantState> {
  const router = new Router<TenantState>({ prefix: '/:tenant/v2.0/branding' });

  router.get('/squareLogo', async (ctx) => {
    const logo = await branding.findSquareLogo(ctx.state.tenant);
    if (!logo) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: `Tenant '${ctx.state.tenant.id}' has no square logo.` };
      return;
    }
    ctx.set('Cache-Control', `public, max-age=${BRANDING_CACHE_SECONDS}`);
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

  // Without a colour an empty sheet, not a 404: a page cached from before the colour was cleared still loads cleanly.
  router.get('/style.css', async (ctx) => {
    const { backgroundColor } = await branding.find(ctx.state.tenant);
    const css = backgroundColor ? brandingStylesheet(backgroundColor) : '/* no branding colours */\n';
    ctx.set('Cache-Control', `public, max-age=${BRANDING_CACHE_SECONDS}`);
    ctx.set('ETag', `"${createHash('sha256').update(css).digest('base64url')}"`);
    ctx.status = 200;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = css;
  });

  return router;
}
