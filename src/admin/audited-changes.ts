import type { Middleware } from 'koa';

import { type AuditLog, DEPLOYMENT_INITIATOR, type Initiator, type TargetResource } from '../activity/audit-log.ts';
import { GuestIdpError } from '../errors.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminPrincipal, AdminState } from './admin-auth.ts';

/** Who made an admin API change, as the audit log names them. */
export function initiatorOf(principal: AdminPrincipal): Initiator {
  return principal.kind === 'deployment' ? DEPLOYMENT_INITIATOR : { app: { appId: principal.clientId, displayName: principal.clientName } };
}

/** What a change was, from its request and (on success) its response. */
interface Change {
  activity: string;
  targets: TargetResource[];
}

type Body = Record<string, unknown>;
type Describe = (params: Record<string, string>, response: Body, request: Body, status: number) => Change;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const target = (id: unknown, type: string, displayName: unknown = null): TargetResource => ({ id: String(id ?? ''), type, displayName: text(displayName) });

/**
 * Every change the admin API makes, by its route: Entra's activity names where Entra has them.
 * A mutating route not listed here (one added later) is still audited, as "<METHOD> <route>".
 * Deleting a tenant is not: its logs are deleted with it.
 */
const CHANGES: Record<string, Describe> = {
  'POST /admin/tenants': (_p, response) => ({ activity: 'Create tenant', targets: [target(response.id, 'Tenant', response.displayName)] }),
  'PATCH /admin/tenants/:tenantId': (p, response) => ({ activity: 'Update tenant', targets: [target(p.tenantId, 'Tenant', response.displayName)] }),
  'POST /admin/tenants/:tenantId/signingKeys/rotate': (p) => ({ activity: 'Rotate signing keys', targets: [target(p.tenantId, 'SigningKeys', 'Token signing keys')] }),
  'POST /admin/tenants/:tenantId/clients': (_p, response, request) => ({ activity: 'Add application', targets: [target(response.client_id, 'Application', response.client_name ?? request.client_name)] }),
  'DELETE /admin/tenants/:tenantId/clients/:clientId': (p) => ({ activity: 'Delete application', targets: [target(p.clientId, 'Application')] }),
  'POST /admin/tenants/:tenantId/invitations': (_p, response, request) => ({
    activity: 'Invite external user',
    targets: [target((response.invitedUser as Body | undefined)?.id, 'User', response.invitedUserEmailAddress ?? request.invitedUserEmailAddress)],
  }),
  'POST /admin/tenants/:tenantId/users': (_p, response, request) => ({ activity: 'Add user', targets: [target(response.id, 'User', response.mail ?? request.mail)] }),
  'PATCH /admin/tenants/:tenantId/users/:userId': (p, response, request) => ({
    activity: 'roles' in request ? 'Update user roles' : request.accountEnabled === false ? 'Disable account' : request.accountEnabled === true ? 'Enable account' : 'Update user',
    targets: [target(p.userId, 'User', response.mail)],
  }),
  'DELETE /admin/tenants/:tenantId/users/:userId': (p) => ({ activity: 'Delete user', targets: [target(p.userId, 'User')] }),
  'PATCH /admin/tenants/:tenantId/policies/emailOtp': () => ({ activity: 'Update policy', targets: [target('emailOtp', 'Policy', 'Email one-time passcode')] }),
  'PATCH /admin/tenants/:tenantId/policies/invitationRedemption': () => ({ activity: 'Update policy', targets: [target('invitationRedemption', 'Policy', 'Invitation redemption order')] }),
  'PATCH /admin/tenants/:tenantId/policies/guestMfa': () => ({ activity: 'Update policy', targets: [target('guestMfa', 'Policy', 'Guest multifactor authentication')] }),
  'DELETE /admin/tenants/:tenantId/users/:userId/authenticationMethods/:methodId': (p) => ({
    activity: 'Admin deleted security info', targets: [target(p.userId, 'User'), target(p.methodId, 'AuthenticationMethod')],
  }),
  'PUT /admin/tenants/:tenantId/identityProviders/:id': (p, response, _request, status) => ({
    activity: status === 201 ? 'Add identity provider' : 'Update identity provider', targets: [target(p.id, 'IdentityProvider', response.displayName)],
  }),
  'DELETE /admin/tenants/:tenantId/identityProviders/:id': (p) => ({ activity: 'Delete identity provider', targets: [target(p.id, 'IdentityProvider')] }),
  'PATCH /admin/tenants/:tenantId/branding': (p) => ({ activity: 'Update company branding', targets: [target(p.tenantId, 'Branding', 'Company branding')] }),
  'PUT /admin/tenants/:tenantId/branding/squareLogo': (p) => ({ activity: 'Update company branding logo', targets: [target(p.tenantId, 'Branding', 'Square logo')] }),
  'DELETE /admin/tenants/:tenantId/branding/squareLogo': (p) => ({ activity: 'Delete company branding logo', targets: [target(p.tenantId, 'Branding', 'Square logo')] }),
};

const NOT_AUDITED = new Set(['DELETE /admin/tenants/:tenantId']);

/**
 * Records every admin API change in its tenant's audit log, success or failure, with the caller
 * as initiator. Refusals before any change could start (401, 403, an unknown tenant) are not
 * recorded: they would let anyone write into a tenant's log.
 */
export function auditAdminChanges(auditLog: AuditLog, tenants: TenantService): Middleware<AdminState> {
  return async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return next();
    let failure: unknown;
    try {
      await next();
    } catch (error) {
      failure = error;
    }
    const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    const key = `${ctx.method} ${typeof route === 'string' ? route : ''}`;
    if (typeof route === 'string' && !NOT_AUDITED.has(key)) {
      const params = (ctx as { params?: Record<string, string> }).params ?? {};
      const status = failure === undefined ? ctx.status : (failure as { status?: number }).status ?? 500;
      const response = (failure === undefined && isObject(ctx.body) ? ctx.body : {}) as Body;
      const request = (isObject((ctx.request as { body?: unknown }).body) ? (ctx.request as { body?: unknown }).body : {}) as Body;
      const tenantId = params.tenantId ?? text(response.id);
      const requestId = (ctx.state as { requestId?: unknown }).requestId;
      if (tenantId && ![401, 403].includes(status) && (failure === undefined || await tenantExists(tenants, tenantId))) {
        const change = (CHANGES[key] ?? ((p) => ({ activity: key, targets: [target(Object.values(p).at(-1), 'Resource')] })))(params, response, request, status);
        await auditLog.record(tenantId, {
          ...change,
          initiatedBy: initiatorOf(ctx.state.principal),
          result: failure === undefined && status < 400 ? 'success' : 'failure',
          ...(failure instanceof GuestIdpError ? { resultReason: failure.code } : {}),
          ...(typeof requestId === 'string' ? { correlationId: requestId } : {}),
        });
      }
    }
    if (failure !== undefined) throw failure;
  };
}

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

async function tenantExists(tenants: TenantService, tenantId: string): Promise<boolean> {
  try {
    await tenants.get(tenantId);
    return true;
  } catch {
    return false;
  }
}
