import type Router from '@koa/router';

import type { AuditLog, DirectoryAudit } from '../activity/audit-log.ts';
import type { SignIn, SignInLog } from '../activity/sign-in-log.ts';
import type { ActivityPage } from '../activity/activity-stream.ts';
import { BadRequestError } from '../errors.ts';
import { ACTIVITY_LOG_MAX_PAGE_SIZE, ACTIVITY_LOG_PAGE_SIZE } from '../limits.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { type FilterField, parseActivityFilter } from './activity-filter.ts';
import type { AdminState } from './admin-auth.ts';
import type { SkipTokens } from './skip-token.ts';

const SIGN_IN_FILTERS: Record<string, FilterField<SignIn>> = {
  userPrincipalName: { kind: 'text', value: (signIn) => signIn.userPrincipalName, caseInsensitive: true },
  userId: { kind: 'text', value: (signIn) => signIn.userId },
  appId: { kind: 'text', value: (signIn) => signIn.appId },
  'status/errorCode': { kind: 'number', value: (signIn) => signIn.status.errorCode },
  createdDateTime: { kind: 'time' },
};

const AUDIT_FILTERS: Record<string, FilterField<DirectoryAudit>> = {
  activityDateTime: { kind: 'time' },
  activityDisplayName: { kind: 'text', value: (audit) => audit.activityDisplayName },
  result: { kind: 'text', value: (audit) => audit.result },
  'initiatedBy/app/appId': { kind: 'text', value: (audit) => ('app' in audit.initiatedBy ? audit.initiatedBy.app.appId : undefined) },
  'initiatedBy/user/id': { kind: 'text', value: (audit) => ('user' in audit.initiatedBy ? audit.initiatedBy.user.id : undefined) },
  'initiatedBy/user/userPrincipalName': {
    kind: 'text', value: (audit) => ('user' in audit.initiatedBy ? audit.initiatedBy.user.userPrincipalName : undefined), caseInsensitive: true,
  },
  'targetResources/id': { kind: 'anyOf', values: (audit) => audit.targetResources.map((target) => target.id) },
};

/**
 * `/admin/tenants/{t}/signIns` and `/admin/tenants/{t}/directoryAudits`: the tenant's sign-in and
 * audit logs, newest first, in Graph's names, with `$filter`, `$top` and `$skiptoken` paging.
 */
export function mountActivityLogsApi(
  router: Router<AdminState>, tenants: TenantService, logs: { signIns: SignInLog; audits: AuditLog }, baseUrl: string, skipTokens: SkipTokens,
): void {
  const mount = <T>(path: 'signIns' | 'directoryAudits', filters: Record<string, FilterField<T>>, read: (tenantId: string, query: Parameters<SignInLog['page']>[1] & Parameters<AuditLog['page']>[1]) => Promise<ActivityPage<T>>) => {
    router.get(`/tenants/:tenantId/${path}`, async (ctx) => {
      const tenant = await tenants.get(ctx.params.tenantId as string);
      const query = ctx.query as Record<string, string | string[] | undefined>;
      for (const name of Object.keys(query)) {
        if (name.startsWith('$') && !['$filter', '$top', '$skiptoken'].includes(name)) throw new BadRequestError(`${name} is not supported here: use $filter, $top and $skiptoken.`);
        if (Array.isArray(query[name])) throw new BadRequestError(`${name} is given more than once.`);
      }
      const filterText = query.$filter as string | undefined;
      const filter = parseActivityFilter(filterText, filters);
      const top = pageSize(query.$top as string | undefined);
      const before = query.$skiptoken === undefined ? undefined : skipTokens.readLogCursor(tenant.id, path, query.$skiptoken as string);
      const page = await read(tenant.id, {
        ...(before ? { before } : {}), ...(filter.notBeforeMs === undefined ? {} : { notBeforeMs: filter.notBeforeMs }),
        matches: filter.matches as never, top,
      });
      const next = new URL(`${baseUrl}/admin/tenants/${tenant.id}/${path}`);
      if (filterText) next.searchParams.set('$filter', filterText);
      next.searchParams.set('$top', String(top));
      if (page.next) next.searchParams.set('$skiptoken', skipTokens.issueLogCursor(tenant.id, path, page.next));
      ctx.body = { value: page.records, ...(page.next ? { '@odata.nextLink': next.href } : {}) };
    });
  };
  mount('signIns', SIGN_IN_FILTERS, (tenantId, query) => logs.signIns.page(tenantId, query));
  mount('directoryAudits', AUDIT_FILTERS, (tenantId, query) => logs.audits.page(tenantId, query));
}

function pageSize(top: string | undefined): number {
  if (top === undefined) return ACTIVITY_LOG_PAGE_SIZE;
  const size = Number(top);
  if (!Number.isInteger(size) || size < 1 || size > ACTIVITY_LOG_MAX_PAGE_SIZE) throw new BadRequestError(`$top must be a whole number from 1 to ${ACTIVITY_LOG_MAX_PAGE_SIZE}.`);
  return size;
}
