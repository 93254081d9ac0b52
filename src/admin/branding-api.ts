import { createHash } from 'node:crypto';

import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';

import { applyBrandingChanges, type Branding, squareLogoUrl } from '../branding/branding.ts';
import { ACCEPTED_LOGOS, checkLogoImage } from '../branding/logo-image.ts';
import { BadRequestError, NotFoundError, PayloadTooLargeError } from '../errors.ts';
import { LOGO_MAX_BYTES } from '../limits.ts';
import type { BrandingRepository } from '../store/branding-repository.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminState } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';
import { updateBrandingBody } from './schemas.ts';
import type { BrandingView } from './views.ts';

const SQUARE_LOGO_PATH = /^\/admin\/tenants\/[^/]+\/branding\/squareLogo$/;

/**
 * The logo upload is raw bytes whatever Content-Type the caller names (the bytes decide), so the
 * admin API's JSON parser must not read it first: a PNG sent as application/json would be a 400
 * "not valid JSON". Mounted before the parser.
 */
export const leaveSquareLogoBodyUnparsed: Middleware = (ctx, next) => {
  if (SQUARE_LOGO_PATH.test(ctx.path)) (ctx as Context & { disableBodyParser?: boolean }).disableBodyParser = true;
  return next();
};

/**
 * `/admin/tenants/{t}/branding`: Graph's organizationalBranding subset, and its squareLogo.
 *
 * Graph gives `squareLogoRelativeUrl`, relative to one of the CDNs in `cdnList`. Our logo is not
 * on a CDN but served by the provider itself under the tenant's path, so the view carries an
 * absolute `squareLogoUrl` built from BASE_URL instead: usable as it is, and not a Graph name
 * that would promise Graph's CDN semantics.
 */
export function mountBrandingApi(router: Router<AdminState>, tenants: TenantService, branding: BrandingRepository, baseUrl: string): void {
  const view = (tenant: Tenant, current: Branding): BrandingView => ({
    backgroundColor: current.backgroundColor ?? null,
    signInPageText: current.signInPageText ?? null,
    usernameHintText: current.usernameHintText ?? null,
    customPrivacyAndCookiesUrl: current.customPrivacyAndCookiesUrl ?? null,
    customTermsOfUseUrl: current.customTermsOfUseUrl ?? null,
    squareLogoUrl: current.squareLogo ? squareLogoUrl(baseUrl, tenant.id, current.squareLogo) : null,
  });

  router.get('/tenants/:tenantId/branding', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    ctx.body = view(tenant, await branding.find(tenant));
  });

  router.patch('/tenants/:tenantId/branding', async (ctx) => {
    const changes = parseBody(ctx, updateBrandingBody);
    const tenant = await tenants.get(ctx.params.tenantId as string);
    ctx.body = view(tenant, await branding.update(tenant, (current) => applyBrandingChanges(current, changes)));
  });

  router.put('/tenants/:tenantId/branding/squareLogo', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const bytes = await readLogoBody(ctx);
    const checked = checkLogoImage(bytes);
    if (!checked.ok) throw new BadRequestError(checked.problem);
    const info = {
      format: checked.format,
      width: checked.width,
      height: checked.height,
      sha256: createHash('sha256').update(bytes).digest('base64url'),
      byteLength: bytes.length,
      updatedDateTime: new Date().toISOString(),
    };
    const written = await branding.saveSquareLogo(tenant, info, bytes);
    ctx.body = view(tenant, written);
  });

  router.delete('/tenants/:tenantId/branding/squareLogo', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    if (!(await branding.deleteSquareLogo(tenant))) throw new NotFoundError(`Tenant '${tenant.id}' has no square logo.`);
    ctx.status = 204;
  });
}

/**
 * The request body, at most LOGO_MAX_BYTES: a declared Content-Length above it is refused before
 * reading, and a body that runs past it (chunked, or lying) is refused at the first byte too many.
 */
async function readLogoBody(ctx: Context): Promise<Buffer> {
  const tooLarge = () => new PayloadTooLargeError(`The logo is larger than ${LOGO_MAX_BYTES / 1024} KiB.`);
  if (Number(ctx.get('content-length') || 0) > LOGO_MAX_BYTES) {
    ctx.set('Connection', 'close');
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > LOGO_MAX_BYTES) {
      ctx.set('Connection', 'close');
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  if (length === 0) throw new BadRequestError(`The body is empty. Send ${ACCEPTED_LOGOS}.`);
  return Buffer.concat(chunks, length);
}

