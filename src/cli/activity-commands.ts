import type { Command } from 'commander';

import { InvalidArgumentError } from 'commander';

import type { AdminClient } from './admin-client.ts';
import { type CommandContext, type List, tenantPath } from './command-context.ts';
import { show, table } from './output.ts';

/**
 * `guest-idp signins …` and `guest-idp audits …`: a tenant's sign-in and audit logs, newest
 * first, as a help desk reads them. Options become the admin API's `$filter`.
 */

type Row = Record<string, unknown>;

/** OData's quoted string. */
function quoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000) throw new InvalidArgumentError('a whole number from 1 to 10000');
  return parsed;
}

function isoTime(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('an ISO 8601 date or date-time, such as 2026-11-24 or 2026-11-24T08:00:00Z');
  return new Date(value).toISOString();
}

/** Up to `top` entries, newest first, following @odata.nextLink. */
async function newest(api: AdminClient, path: string, filter: string[], top: number): Promise<Row[]> {
  const query = new URLSearchParams({ $top: String(Math.min(top, 1000)), ...(filter.length ? { $filter: filter.join(' and ') } : {}) });
  const found: Row[] = [];
  let next: string | undefined = `${path}?${query}`;
  while (next && found.length < top) {
    const page: List<Row> = await api.get<List<Row>>(next);
    found.push(...page.value);
    const link = page['@odata.nextLink'];
    next = link ? new URL(link).pathname + new URL(link).search : undefined;
  }
  return found.slice(0, top);
}

/** `2026-11-24T08:01:02.345Z` as `2026-11-24 08:01:02Z`: shorter in a table, still UTC. */
function shortTime(value: unknown): string {
  return typeof value === 'string' ? `${value.slice(0, 10)} ${value.slice(11, 19)}Z` : '-';
}

export function addActivityCommands(program: Command, context: CommandContext): void {
  program.command('signins').argument('<tenant>', 'tenant id').description('the tenant\'s sign-in log, newest first')
    .option('--user <user>', 'only this guest: email address or user id')
    .option('--app <clientId>', 'only sign-ins to this app (client id)')
    .option('--failed', 'only failed sign-ins')
    .option('--since <time>', 'only sign-ins at or after this time (ISO 8601)', isoTime)
    .option('--top <n>', 'at most this many entries', count, 50)
    .action(async (tenant: string, options: { user?: string; app?: string; failed?: boolean; since?: string; top: number }, command: Command) => {
      const { api, output } = context(command);
      const filter = [
        options.user ? (options.user.includes('@') ? `userPrincipalName eq ${quoted(options.user)}` : `userId eq ${quoted(options.user)}`) : undefined,
        options.app ? `appId eq ${quoted(options.app)}` : undefined,
        options.failed ? 'status/errorCode ne 0' : undefined,
        options.since ? `createdDateTime ge ${options.since}` : undefined,
      ].filter((clause): clause is string => clause !== undefined);
      const entries = await newest(api, `${tenantPath(tenant)}/signIns`, filter, options.top);
      show(output, { value: entries }, () => table(entries.map((entry) => {
        const status = entry.status as { errorCode: number; failureReason: string | null };
        return {
          time: shortTime(entry.createdDateTime),
          user: entry.userPrincipalName,
          app: entry.appDisplayName ?? entry.appId,
          method: entry.authenticationMethod,
          result: status.errorCode === 0 ? 'success' : `failure ${status.errorCode}`,
          reason: status.failureReason,
          ip: entry.ipAddress,
          correlationId: entry.correlationId,
        };
      }), ['time', 'user', 'app', 'method', 'result', 'reason', 'ip', 'correlationId']));
    });

  program.command('audits').argument('<tenant>', 'tenant id').description('the tenant\'s audit log of admin changes, newest first')
    .option('--by <initiator>', 'only changes by this app (client id, or "deployment" for the admin token) or member (email address)')
    .option('--target <id>', 'only changes to this resource id (user, app, identity provider, policy)')
    .option('--failed', 'only changes that failed')
    .option('--since <time>', 'only changes at or after this time (ISO 8601)', isoTime)
    .option('--top <n>', 'at most this many entries', count, 50)
    .action(async (tenant: string, options: { by?: string; target?: string; failed?: boolean; since?: string; top: number }, command: Command) => {
      const { api, output } = context(command);
      const filter = [
        options.by ? (options.by.includes('@') ? `initiatedBy/user/userPrincipalName eq ${quoted(options.by)}` : `initiatedBy/app/appId eq ${quoted(options.by)}`) : undefined,
        options.target ? `targetResources/any(t: t/id eq ${quoted(options.target)})` : undefined,
        options.failed ? "result eq 'failure'" : undefined,
        options.since ? `activityDateTime ge ${options.since}` : undefined,
      ].filter((clause): clause is string => clause !== undefined);
      const entries = await newest(api, `${tenantPath(tenant)}/directoryAudits`, filter, options.top);
      show(output, { value: entries }, () => table(entries.map((entry) => {
        const initiator = entry.initiatedBy as { app?: { appId: string }; user?: { userPrincipalName: string } };
        const targets = entry.targetResources as Array<{ id: string; type: string; displayName: string | null }>;
        return {
          time: shortTime(entry.activityDateTime),
          activity: entry.activityDisplayName,
          by: initiator.user?.userPrincipalName ?? initiator.app?.appId,
          target: targets.map((target) => `${target.type} ${target.displayName ?? target.id}`).join(', '),
          result: entry.result,
        };
      }), ['time', 'activity', 'by', 'target', 'result']));
    });
}
