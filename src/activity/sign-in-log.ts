import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { Metrics } from '../ops/metrics.ts';
import { type ActivityLogDependencies, type ActivityPage, type ActivityQuery, ActivityStream } from './activity-stream.ts';
import { failureStatus, type SignInFailure } from './sign-in-failures.ts';

/** One entry of a tenant's sign-in log, in Microsoft Graph's `signIn` names. */
export interface SignIn {
  id: string;
  createdDateTime: string;
  /** The tenant's user of the address; null when it has none. */
  userId: string | null;
  /** The address the guest gave (guests sign in with their own address). */
  userPrincipalName: string | null;
  userDisplayName: string | null;
  appId: string | null;
  appDisplayName: string | null;
  ipAddress: string;
  /** The request id (X-Request-Id) of the request that ended the attempt: the one on the guest's page. */
  correlationId: string;
  /** "Email one-time passcode", or the upstream provider: "Google (Google)", "Home tenant (Fabrikam)". */
  authenticationMethod: string | null;
  isInteractive: true;
  status: { errorCode: number; failureReason: string | null };
}

/** What the sign-in knows when it ends, successfully or not: the entry's fields that are not made here. */
export type SignInEvent = Omit<SignIn, 'id' | 'createdDateTime' | 'isInteractive' | 'status'> & {
  /** The metric label for the method: a sign-in source (EmailOTP, Google, ...) or `none`. Bounded. */
  methodLabel: string;
  /** undefined: success. */
  failure?: SignInFailure;
};

/**
 * A tenant's sign-in log: every interactive sign-in attempt that ended, success or failure. The
 * sign-in code calls `record` at the points where an attempt succeeds or fails
 * (src/interaction/sign-in-recording.ts); the admin API reads pages of it.
 */
export class SignInLog {
  readonly #stream: ActivityStream<SignIn>;
  readonly #metrics: Metrics;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor({ store, keys, retentionDays, metrics, log, now = Date.now }: ActivityLogDependencies) {
    this.#stream = new ActivityStream(store, (tenantId) => keys.signInLog(tenantId), retentionDays * 86_400_000, now);
    this.#metrics = metrics;
    this.#log = log;
    this.#now = now;
  }

  /**
   * Records an attempt. Never throws: a sign-in does not fail because its log entry could not be
   * written. A failed write is logged (tenant and request id, never the address) and counted.
   */
  async record(tenantId: string, event: SignInEvent): Promise<void> {
    const { methodLabel, failure, ...fields } = event;
    const signIn: SignIn = {
      id: randomUUID(),
      createdDateTime: new Date(this.#now()).toISOString(),
      ...fields,
      isInteractive: true,
      status: failure ? failureStatus(failure) : { errorCode: 0, failureReason: null },
    };
    this.#metrics.signIns.inc({ method: methodLabel, result: failure ? 'failure' : 'success', error_code: String(signIn.status.errorCode) });
    try {
      await this.#stream.append(tenantId, signIn);
    } catch (error) {
      this.#metrics.activityLogWriteFailures.inc({ log: 'signIns' });
      this.#log.error({ tenant: tenantId, requestId: event.correlationId, error: errorName(error) }, 'could not write the sign-in log entry; the sign-in goes on');
    }
  }

  page(tenantId: string, query: ActivityQuery<SignIn>): Promise<ActivityPage<SignIn>> {
    return this.#stream.page(tenantId, query);
  }
}

/** The error's class and code: its message could quote a value. */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}
