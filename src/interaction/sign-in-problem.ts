import type { Middleware } from 'koa';

import { ConcurrentChangeError } from '../errors.ts';
import type { Pages } from '../web/pages.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';

/**
 * A sign-in that cannot go on (expired attempt, used invitation, forged form): the guest gets a
 * page saying what happened and what to do, never a stack trace or a bare status.
 */
export class SignInProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly hint: string;
  readonly retryUrl: string | undefined;

  constructor(status: number, title: string, message: string, hint: string, retryUrl?: string) {
    super(message);
    this.status = status;
    this.title = title;
    this.hint = hint;
    this.retryUrl = retryUrl;
  }

  static expired(): SignInProblem {
    return new SignInProblem(400, 'This sign-in has expired',
      'The sign-in page was open too long, or it was already completed.',
      'Go back to the app you were signing in to and start again.');
  }

  /** An administrator changed the guest (reset redemption, say) while they were signing in. */
  static changedMeanwhile(): SignInProblem {
    return new SignInProblem(409, 'Your access changed while you were signing in',
      'Someone at the organization changed your invitation at the same moment, so we did not finish this sign-in.',
      'Go back to the app you were signing in to and start again.');
  }

  static forgedForm(): SignInProblem {
    return new SignInProblem(403, 'This form could not be accepted',
      'The page you sent it from is out of date.',
      'Go back to the app you were signing in to and start again.');
  }
}

export function renderSignInProblems(pages: Pages): Middleware<TenantState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      // A compare-and-set on the guest's record that kept losing (src/guests/redemption.ts).
      const error = caught instanceof ConcurrentChangeError ? SignInProblem.changedMeanwhile() : caught;
      if (!(error instanceof SignInProblem)) throw error;
      pages.send(ctx as never, 'error', {
        title: error.title,
        tenantName: ctx.state.tenant.displayName,
        message: error.message,
        hint: error.hint,
        retryUrl: error.retryUrl,
      }, error.status);
    }
  };
}
