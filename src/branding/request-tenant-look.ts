import type { IncomingMessage } from 'node:http';

import type { BrandingView } from './branding-view.ts';

/** What every page of a request for a known tenant shows of that tenant. */
export interface RequestTenantLook {
  /** The tenant's display name: the header's text, the logo's alt text. */
  tenantName: string;
  branding: BrandingView;
}

/**
 * The look of the tenant a request is for, kept with the request itself. Tenant routing
 * (tenants/tenant-routes.ts) reads the branding once, when it has resolved the tenant; Pages
 * (web/pages.ts) puts it into every page it renders for that request. It is keyed by Node's
 * request rather than Koa's `ctx.state` because oidc-provider renders some of our pages (sign-out,
 * its errors, the auto-post page) in a Koa context of its own, over the same request.
 */
const lookOfRequest = new WeakMap<IncomingMessage, RequestTenantLook>();

export function setRequestTenantLook(request: IncomingMessage, look: RequestTenantLook): void {
  lookOfRequest.set(request, look);
}

/** Undefined when the request is not for a known tenant. */
export function requestTenantLook(request: IncomingMessage): RequestTenantLook | undefined {
  return lookOfRequest.get(request);
}
