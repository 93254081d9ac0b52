import type { Context, Middleware } from 'koa';

import type { BrandingView } from '../branding/branding-view.ts';
import { setRequestTenantLook } from '../branding/request-tenant-look.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import type { Pages } from '../web/pages.ts';
import { prefersHtml } from '../web/prefers-html.ts';
import { sendProblemPage } from '../web/problem-page.ts';
import { runTenantProvider } from './mount-provider.ts';
import type { ProviderCache, TenantProvider } from './provider-cache.ts';
import type { Tenant } from './tenant.ts';
import type { TenantDirectory } from './tenant-directory.ts';

/** `/{tenant}/v2.0/...`: the tenant's issuer and everything under it. */
const TENANT_PATH = /^\/([^/]+)\/v2\.0(\/.*)?$/;
/** RFC 8414 metadata location for an issuer with a path. */
const OAUTH_METADATA_PATH = /^\/\.well-known\/oauth-authorization-server\/([^/]+)\/v2\.0\/?$/;
/** Microsoft's tenant-less endpoints: guests cannot sign in without tenant context. */
const TENANTLESS_PATH = /^\/(common|organizations|consumers)(?=\/|$)/i;

export interface TenantState {
  tenant: Tenant;
  tenantProvider: TenantProvider;
  /** The path after `/{tenant}/v2.0`, starting with `/`. */
  pathAfterPrefix: string;
}

export interface TenantRouteOptions {
  directory: TenantDirectory;
  providers: ProviderCache;
  pages: Pages;
  baseUrl: string;
  trustProxy: boolean;
  /** Our own pages under the tenant prefix (sign-in, redemption); they see TenantState and run before oidc-provider. */
  tenantPages?: Middleware;
  /** Which paths after `/{tenant}/v2.0` are our pages; everything else goes straight to oidc-provider. */
  tenantPagePaths?: RegExp;
  /** The tenant's branding as pages show it (cached by the repository, so cheap on every request). */
  brandingFor: (tenant: Tenant) => Promise<BrandingView>;
}

/**
 * Routes every tenant URL: resolves the tenant (id or verified domain), then lets our own tenant
 * pages answer or hands the request to that tenant's oidc-provider. Unknown tenants get a 404,
 * tenant-less paths an explanation that a tenant-specific link is needed.
 */
export function tenantRoutes(options: TenantRouteOptions): Middleware {
  const { directory, providers, pages, trustProxy } = options;
  const baseUrl = new URL(options.baseUrl);

  async function serveTenant(ctx: Context, tenantName: string, pathAfterPrefix: string): Promise<void> {
    const tenant = await resolve(directory, tenantName);
    if (!tenant) {
      unknownTenant(ctx, pages, tenantName);
      return;
    }
    const tenantProvider = await providers.get(tenant);
    // Read here, once, so every page of this request shows it: ours and those oidc-provider asks for.
    setRequestTenantLook(ctx.req, { tenantName: tenant.displayName, branding: await options.brandingFor(tenant) });
    const state: TenantState = { tenant, tenantProvider, pathAfterPrefix };
    Object.assign(ctx.state, state);
    if (pathAfterPrefix === '/' && ctx.method === 'GET' && prefersHtml(ctx)) {
      tenantStart(ctx, pages, tenant);
      return;
    }
    if (options.tenantPages && options.tenantPagePaths?.test(pathAfterPrefix)) {
      // Koa's convention: a middleware that calls next() did not handle the request.
      let handledByPages = true;
      await options.tenantPages(ctx, async () => { handledByPages = false; });
      if (handledByPages) return;
    }
    await runTenantProvider(ctx, tenantProvider, pathAfterPrefix, baseUrl, trustProxy);
  }

  return async (ctx, next) => {
    const metadata = OAUTH_METADATA_PATH.exec(ctx.path);
    if (metadata) return serveTenant(ctx, metadata[1] as string, '/.well-known/openid-configuration');

    const tenantPath = TENANT_PATH.exec(ctx.path);
    if (tenantPath && !TENANTLESS_PATH.test(ctx.path)) {
      return serveTenant(ctx, tenantPath[1] as string, tenantPath[2] ?? '/');
    }
    return next();
  };
}

/**
 * `/common/...`, `/organizations/...`, `/consumers/...` and any other path without a tenant.
 * Browsers get a page that can take them to an organization's own URL; API callers get JSON.
 */
export function tenantRequired(pages: Pages, baseUrl: string): Middleware {
  return (ctx) => {
    const description = `This address has no tenant in it. Guests sign in through tenant-specific links: use ${baseUrl}/{tenant}/v2.0, where {tenant} is the organization's tenant id or verified domain.`;
    if (prefersHtml(ctx)) {
      const continuable = TENANTLESS_PATH.test(ctx.path) && ctx.path.split('/').length > 2;
      pages.send(ctx, 'tenant-required', {
        title: t(guestLocale(ctx), 'tenantRequired.title'),
        exampleUrl: `${baseUrl}/contoso.com/v2.0`,
        path: continuable ? ctx.url : '',
      }, 400);
      return;
    }
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: description };
  };
}

/**
 * The form on the tenant-required page: finds the organization by id or verified domain (what
 * discovery at `/{domain}/v2.0` reveals anyway) and sends the browser on with a 303: the same
 * request at that tenant when the guest came with one (`/common/v2.0/auth?...`), otherwise the
 * tenant's own address. Only tenant-less paths are rewritten, so this can never redirect off the
 * site. An organization we cannot find: the page again, the field marked invalid, and why.
 */
export function signInToOrganization(directory: TenantDirectory, pages: Pages, baseUrl: string): Middleware {
  return async (ctx) => {
    const organization = String(ctx.query.organization ?? '').trim().toLowerCase();
    const path = String(ctx.query.path ?? '');
    const tenantless = TENANTLESS_PATH.exec(path);
    const tenant = organization ? await resolve(directory, organization) : undefined;
    if (!tenant) {
      const locale = guestLocale(ctx);
      pages.send(ctx, 'tenant-required', {
        title: t(locale, 'tenantRequired.title'),
        exampleUrl: `${baseUrl}/contoso.com/v2.0`,
        path: tenantless ? path : '',
        organization,
        message: {
          kind: 'error',
          text: organization ? t(locale, 'tenantRequired.notFound', { organization }) : t(locale, 'tenantRequired.missing'),
        },
      }, 400);
      return;
    }
    ctx.status = 303;
    ctx.redirect(continuationAt(tenant, tenantless ? path.slice(tenantless[0].length) : ''));
  };
}

/**
 * Where a guest goes at their tenant: the rest of the tenant-less request (`/v2.0/auth?...`)
 * under the tenant's id, or, with nothing to continue, the tenant's own address. The path is
 * normalized first, so dot segments cannot lead out of the tenant.
 */
function continuationAt(tenant: Tenant, rest: string): string {
  const start = `/${encodeURIComponent(tenant.id)}/v2.0`;
  const candidate = new URL(`${start}${rest.replace(/^\/v2\.0/, '')}`, 'http://localhost');
  return /^\/v2\.0(\/|$)/.test(rest) && candidate.pathname.startsWith(`${start}/`) ? candidate.pathname + candidate.search : start;
}

/**
 * The tenant's own address in a browser (where "sign in to an organization" leads when there was
 * no request to continue): signing in starts at an app, so the page says so. Programs get
 * oidc-provider's answer.
 */
function tenantStart(ctx: Context, pages: Pages, tenant: Tenant): void {
  const locale = guestLocale(ctx);
  pages.send(ctx, 'tenant-start', { title: t(locale, 'tenantStart.title', { tenantName: tenant.displayName }), tenantName: tenant.displayName });
}

function unknownTenant(ctx: Context, pages: Pages, tenantName: string): void {
  const description = `Tenant '${tenantName}' was not found. Check the tenant id or verified domain in the URL.`;
  if (prefersHtml(ctx)) {
    sendProblemPage(pages, ctx, 'unknownTenant', 404, { values: { tenantName }, reference: 'invalid_tenant' });
    return;
  }
  ctx.status = 404;
  ctx.body = { error: 'invalid_tenant', error_description: description };
}

async function resolve(directory: TenantDirectory, name: string): Promise<Tenant | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    return undefined;
  }
  return directory.resolve(decoded);
}
