import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { Metrics } from '../ops/metrics.ts';
import { type ActivityLogDependencies, type ActivityPage, type ActivityQuery, ActivityStream } from './activity-stream.ts';
import { errorName } from './sign-in-log.ts';

/**
 * Who made a change, in Graph's `initiatedBy` shape: an app (the deployment's ADMIN_TOKEN is the
 * app `deployment`; a tenant's admin client is its client id) or a user (a console member).
 */
export type Initiator =
  | { app: { appId: string; displayName?: string } }
  | { user: { id: string; userPrincipalName: string } };

/** The appId that stands for the deployment's ADMIN_TOKEN in `initiatedBy`. */
export const DEPLOYMENT_APP_ID = 'deployment';

export const DEPLOYMENT_INITIATOR: Initiator = { app: { appId: DEPLOYMENT_APP_ID, displayName: 'Deployment administrator' } };

export interface TargetResource {
  id: string;
  /** Graph's resource type names: Tenant, Application, Invitation, User, Policy, IdentityProvider, Branding, SigningKey. */
  type: string;
  displayName: string | null;
}

export type AuditResult = 'success' | 'failure';

/** One entry of a tenant's audit log, in Microsoft Graph's `directoryAudit` names. */
export interface DirectoryAudit {
  id: string;
  activityDateTime: string;
  activityDisplayName: string;
  initiatedBy: Initiator;
  targetResources: TargetResource[];
  result: AuditResult;
  /** Why a failed change failed (the error code the caller got). */
  resultReason?: string;
  /** The request id of the change. */
  correlationId?: string;
}

/** What changed, by whom: `activity` is Entra-style words ("Update policy", "Invite external user"). */
export interface AuditEvent {
  activity: string;
  initiatedBy: Initiator;
  targets: TargetResource[];
  result: AuditResult;
  resultReason?: string;
  correlationId?: string;
}

/**
 * A tenant's audit log: every change an administrator made, through the admin API or the console.
 * Callers name the initiator themselves (`record(tenantId, {activity, initiatedBy, targets, result})`),
 * so whatever front end calls the domain services records the same way.
 */
export class AuditLog {
  readonly #stream: ActivityStream<DirectoryAudit>;
  readonly #metrics: Metrics;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor({ store, keys, retentionDays, metrics, log, now = Date.now }: ActivityLogDependencies) {
    this.#stream = new ActivityStream(store, (tenantId) => keys.auditLog(tenantId), retentionDays * 86_400_000, now);
    this.#metrics = metrics;
    this.#log = log;
    this.#now = now;
  }

  /** Records a change. Never throws: the change is made; a lost entry is logged and counted. */
  async record(tenantId: string, { activity, initiatedBy, targets, result, resultReason, correlationId }: AuditEvent): Promise<void> {
    const audit: DirectoryAudit = {
      id: randomUUID(),
      activityDateTime: new Date(this.#now()).toISOString(),
      activityDisplayName: activity,
      initiatedBy,
      targetResources: targets,
      result,
      ...(resultReason ? { resultReason } : {}),
      ...(correlationId ? { correlationId } : {}),
    };
    try {
      await this.#stream.append(tenantId, audit);
    } catch (error) {
      this.#metrics.activityLogWriteFailures.inc({ log: 'directoryAudits' });
      this.#log.error({ tenant: tenantId, activity, requestId: correlationId, error: errorName(error) }, 'could not write the audit log entry');
    }
  }

  page(tenantId: string, query: ActivityQuery<DirectoryAudit>): Promise<ActivityPage<DirectoryAudit>> {
    return this.#stream.page(tenantId, query);
  }
}
