import type Router from '@koa/router';

import type { Invitations } from '../guests/invitations.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { type AdminState, inviterAppName } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';
import { createInvitationBody } from './schemas.ts';

/** `POST /admin/tenants/{t}/invitations`: Graph's invitation manager for one tenant. */
export function mountInvitationsApi(router: Router<AdminState>, tenants: TenantService, invitations: Invitations): void {
  router.post('/tenants/:tenantId/invitations', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const request = parseBody(ctx, createInvitationBody);
    const invitation = await invitations.invite(tenant, request, inviterAppName(ctx.state.principal));
    ctx.status = 201;
    ctx.body = invitation;
  });
}
