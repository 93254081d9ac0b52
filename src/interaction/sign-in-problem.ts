import type { Middleware } from 'koa';

import { AccountBlockedError, ConcurrentChangeError, GuestIdpError } from '../errors.ts';
import type { UpstreamReference } from '../federation/upstream.ts';
import { UpstreamError } from '../federation/upstream-failure.ts';
import type { FederatedRefusal } from '../guests/redemption.ts';
import type { MessageValues } from '../i18n/translate.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import type { Pages } from '../web/pages.ts';
import { type ProblemCode, sendProblemPage } from '../web/problem-page.ts';

/** An OAuth error code as RFC 6749 spells them (invalid_grant): anything else an upstream sent is not shown. */
const OAUTH_ERROR_CODE = /^[a-z0-9_.-]{1,64}$/i;

/**
 * A sign-in that cannot go on (expired attempt, used invitation, forged form, a failed upstream
 * leg): typed by its code, with the HTTP status and the values its text needs. The guest gets a
 * page saying what happened and what to do (web/problem-page.ts words it, from the catalogue),
 * never a stack trace or a bare status; the page carries the request id, which finds the cause
 * in the log.
 */
export class SignInProblem extends GuestIdpError {
  readonly status: number;
  readonly code: ProblemCode;
  readonly values: MessageValues;
  readonly retryUrl: string | undefined;

  constructor(code: ProblemCode, status: number, values: MessageValues = {}, retryUrl?: string) {
    super(`sign-in problem: ${code}`);
    this.code = code;
    this.status = status;
    this.values = values;
    this.retryUrl = retryUrl;
  }

  static expired(): SignInProblem {
    return new SignInProblem('expired', 400);
  }

  /** An administrator changed the guest (reset redemption, say) while they were signing in. */
  static changedMeanwhile(): SignInProblem {
    return new SignInProblem('changedMeanwhile', 409);
  }

  /**
   * An administrator blocked the user's sign-in (accountEnabled false): a code of its own, so the
   * guest knows to ask the tenant's administrator rather than try again.
   */
  static accountBlocked(tenantName: string): SignInProblem {
    return new SignInProblem('accountBlocked', 403, { tenantName });
  }

  static forgedForm(): SignInProblem {
    return new SignInProblem('forgedForm', 403);
  }

  /** The upstream's answer came after its federation state expired, or came twice. */
  static federationTooLate(retryUrl?: string): SignInProblem {
    return new SignInProblem('federationTooLate', 400, {}, retryUrl);
  }

  static invitationUnusable(): SignInProblem {
    return new SignInProblem('invitationUnusable', 410);
  }

  static invitationNotAccepted(cancelled: boolean): SignInProblem {
    return new SignInProblem('invitationNotAccepted', 400, { cancelled });
  }

  /** The guest's upstream sign-in was refused here (redemption.ts says why). */
  static refused(reason: FederatedRefusal, upstream: UpstreamReference, email: string, tenantName: string, upstreamEmail: string | undefined, retryUrl: string): SignInProblem {
    const values = { upstream: upstream.displayName, email, tenantName, hasUpstreamEmail: upstreamEmail !== undefined, upstreamEmail };
    return new SignInProblem(reason, 403, values, reason === 'notInvited' ? undefined : retryUrl);
  }
}

/**
 * A failed upstream leg: the guest learns which provider, what went wrong, and can try again.
 * Anything but an upstream failure (or a 404 for a provider removed meanwhile) is thrown on.
 */
export function upstreamProblem(error: unknown, upstream: UpstreamReference, retryUrl: string): SignInProblem {
  const name = { upstream: upstream.displayName };
  if (!(error instanceof UpstreamError)) {
    if ((error as { status?: number }).status === 404) return new SignInProblem('upstreamGone', 503, name);
    throw error;
  }
  switch (error.kind) {
    case 'unreachable':
      return new SignInProblem('upstreamUnreachable', 503, name, retryUrl);
    case 'refused': {
      const answer = error.oauthError === 'access_denied' ? 'accessDenied' : OAUTH_ERROR_CODE.test(error.oauthError ?? '') ? 'code' : 'other';
      // An error the guest brought back is about their sign-in (400); one from the token endpoint
      // is between this server and the provider, which failed us as a gateway (502).
      return new SignInProblem('upstreamRefused', error.causeCode === 'authorizationError' ? 400 : 502, { ...name, answer, oauthError: error.oauthError }, retryUrl);
    }
    case 'invalidResponse':
      return new SignInProblem('upstreamInvalid', 502, name, retryUrl);
  }
}

export function renderSignInProblems(pages: Pages): Middleware<TenantState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      // A compare-and-set on the guest's record that kept losing, or a blocked user (src/guests/redemption.ts).
      const error = caught instanceof ConcurrentChangeError ? SignInProblem.changedMeanwhile()
        : caught instanceof AccountBlockedError ? SignInProblem.accountBlocked(ctx.state.tenant.displayName)
          : caught;
      if (!(error instanceof SignInProblem)) throw error;
      sendProblemPage(pages, ctx as never, error.code, error.status, {
        values: error.values, tenantName: ctx.state.tenant.displayName, ...(error.retryUrl ? { retryUrl: error.retryUrl } : {}),
      });
    }
  };
}
