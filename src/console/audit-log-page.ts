import { type DirectoryAudit, DEPLOYMENT_APP_ID } from '../activity/audit-log.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { type Locale, t } from '../i18n/translate.ts';
import { CONSOLE_PAGE_SIZE } from '../limits.ts';
import { type ConsoleDeps, queryValue, type SignedInContext } from './console-context.ts';
import { cursorOf, logPageUrl, matchesText, sinceOf } from './log-pages.ts';

/** Who made a change, as the page says it: the deployment's admin token, an app, or a member's address. */
export function initiatorText(locale: Locale, initiatedBy: DirectoryAudit['initiatedBy']): string {
  if ('user' in initiatedBy) return initiatedBy.user.userPrincipalName;
  if (initiatedBy.app.appId === DEPLOYMENT_APP_ID) return t(locale, 'console.audit.deployment');
  return t(locale, 'console.audit.app', { name: initiatedBy.app.displayName ?? initiatedBy.app.appId });
}

/** The initiator filter: a member's address or id, an app's id, or `deployment` for the admin token. */
function initiatedByMatches(wanted: string, { initiatedBy }: DirectoryAudit): boolean {
  if ('user' in initiatedBy) return matchesText(wanted, initiatedBy.user.userPrincipalName, initiatedBy.user.id);
  return matchesText(wanted, initiatedBy.app.appId, initiatedBy.app.displayName);
}

/**
 * GET `/audit-logs`: the tenant's audit log, newest first, what `GET /admin/tenants/{t}/directoryAudits`
 * answers: every change made in the console or through the admin API, filtered by a first day, the
 * initiator and a target (its id or name); paged by the log's cursor ("Older"). Admin only.
 */
export async function auditLogPage(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const { tenant } = ctx.state;
  const locale = guestLocale(ctx);
  const initiator = queryValue(ctx, 'initiator').trim();
  const target = queryValue(ctx, 'target').trim();
  const { since, notBeforeMs, invalid } = sinceOf(ctx);
  const before = cursorOf(deps, ctx, 'directoryAudits');

  const page = invalid ? { records: [] as DirectoryAudit[] } : await deps.auditLog.page(tenant.id, {
    ...(before ? { before } : {}),
    ...(notBeforeMs === undefined ? {} : { notBeforeMs }),
    top: CONSOLE_PAGE_SIZE,
    matches: (audit) => (initiator === '' || initiatedByMatches(initiator, audit))
      && (target === '' || audit.targetResources.some((resource) => matchesText(target, resource.id, resource.displayName))),
  });
  const filters = { initiator, target, since };
  deps.pages.send(ctx, 'audit-logs', {
    title: t(locale, 'console.audit.title'),
    section: 'audit',
    filters,
    audits: page.records.map((audit) => ({ ...audit, initiator: initiatorText(locale, audit.initiatedBy), failed: audit.result !== 'success' })),
    retentionDays: deps.config.activityLogRetentionDays,
    problem: invalid ? t(locale, 'console.logs.invalidSince') : undefined,
    olderUrl: page.next ? logPageUrl(ctx, '/audit-logs', { ...filters, before: deps.skipTokens.issueLogCursor(tenant.id, 'directoryAudits', page.next) }) : undefined,
    newestUrl: before ? logPageUrl(ctx, '/audit-logs', filters) : undefined,
  }, invalid ? 400 : 200);
}
