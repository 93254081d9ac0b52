import type { Context } from 'koa';

import type { TenantProvider } from './provider-cache.ts';

/**
 * Hands a request to a tenant's oidc-provider as if the provider were mounted at the tenant's
 * canonical prefix (`/{id}/v2.0`), whatever spelling the URL used (id or verified domain).
 *
 * oidc-provider builds every URL it publishes from the request: the mount path from
 * `req.originalUrl` minus `req.url`, host and scheme from X-Forwarded-Host/-Proto (the provider
 * trusts them, see provider-cache.ts). Setting all of them here pins those URLs to BASE_URL and the
 * canonical tenant id, never to the Host header a client sent.
 */
export async function runTenantProvider(
  ctx: Context,
  tenantProvider: TenantProvider,
  pathAfterPrefix: string,
  baseUrl: URL,
  trustProxy: boolean,
): Promise<void> {
  const req = ctx.req as typeof ctx.req & { originalUrl?: string };
  const query = ctx.querystring ? `?${ctx.querystring}` : '';
  const rest = `${pathAfterPrefix || '/'}${query}`;

  req.originalUrl = `/${tenantProvider.tenant.id}/v2.0${rest}`;
  req.url = rest;
  req.headers['x-forwarded-host'] = baseUrl.host;
  req.headers['x-forwarded-proto'] = baseUrl.protocol.slice(0, -1);
  // The provider trusts X-Forwarded-For too; only a trusted proxy may set it.
  if (!trustProxy) delete req.headers['x-forwarded-for'];

  // oidc-provider writes the response itself.
  ctx.respond = false;
  await tenantProvider.handle(req, ctx.res);
}
