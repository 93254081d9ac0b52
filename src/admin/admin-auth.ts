import type { Context, Middleware } from 'koa';

import { UnauthorizedError } from '../errors.ts';
import { sameSecret } from '../web/constant-time.ts';

/** Who is calling the admin API. Tenant-scoped administrators come with issue #4's client roles. */
export type AdminPrincipal = { kind: 'deployment' };

export interface AdminState {
  principal: AdminPrincipal;
}

export function bearerToken(ctx: Context): string | undefined {
  const match = /^Bearer[ ]+(\S+)$/i.exec(ctx.get('authorization'));
  return match?.[1];
}

/** Lets the request through with `ctx.state.principal` set, or answers 401. */
export function requireAdmin(adminToken: string): Middleware<AdminState> {
  return async (ctx, next) => {
    const token = bearerToken(ctx as unknown as Context);
    if (!token || !sameSecret(token, adminToken)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="guest-idp admin"');
      throw new UnauthorizedError('Send the admin token as "Authorization: Bearer <token>".');
    }
    ctx.state.principal = { kind: 'deployment' };
    await next();
  };
}
