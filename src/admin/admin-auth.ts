import type { Context, Middleware } from 'koa';

import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import { sameSecret } from '../web/constant-time.ts';
import type { TenantAdminTokens } from './tenant-admin-tokens.ts';

/**
 * Who is calling the admin API: the deployment (ADMIN_TOKEN, everything) or a tenant's admin
 * client (its own tenant only; never other tenants, tenant creation or deletion).
 */
export type AdminPrincipal =
  | { kind: 'deployment' }
  | { kind: 'tenant'; tenantId: string; clientId: string; clientName: string };

export interface AdminState {
  principal: AdminPrincipal;
}

export function bearerToken(ctx: Context): string | undefined {
  const match = /^Bearer[ ]+(\S+)$/i.exec(ctx.get('authorization'));
  return match?.[1];
}

/** Lets the request through with `ctx.state.principal` set, or answers 401. */
export function requireAdmin(adminToken: string, tenantAdmins?: TenantAdminTokens): Middleware<AdminState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx as unknown as Context);
    if (token && sameSecret(token, adminToken)) {
      ctx.state.principal = { kind: 'deployment' };
    } else {
      const administrator = token && tenantAdmins ? await tenantAdmins.verify(token) : undefined;
      if (!administrator) {
        ctx.set('WWW-Authenticate', 'Bearer realm="guest-idp admin"');
        throw new UnauthorizedError('Send the admin token, or a tenant admin client\'s access token, as "Authorization: Bearer <token>".');
      }
      ctx.state.principal = { kind: 'tenant', ...administrator };
    }
    await next();
  };
}

/** Only the deployment administrator: tenant creation, listing and deletion, metrics. */
export function requireDeploymentAdmin(principal: AdminPrincipal): void {
  if (principal.kind !== 'deployment') throw new ForbiddenError('Only the deployment administrator may do this.');
}

/** A tenant administrator acts on its own tenant only. */
export function requireTenantAccess(principal: AdminPrincipal, tenantId: string): void {
  if (principal.kind === 'tenant' && principal.tenantId !== tenantId) {
    throw new ForbiddenError(`This token administers tenant '${principal.tenantId}' only.`);
  }
}

/**
 * Who invited the guest, for the invitation mail (which words it in the guest's language): the
 * tenant's admin app by name, or null for the deployment's administrator.
 */
export function inviterAppName(principal: AdminPrincipal): string | null {
  return principal.kind === 'deployment' ? null : principal.clientName;
}
