import type { TargetResource } from '../activity/audit-log.ts';
import { normalizeEmail } from '../guests/user.ts';
import { type ConsoleDeps, type ConsoleHandler, formValue, type SignedInContext } from './console-context.ts';

/** What a console action changed, worked out after it ran (a new guest's id exists only then). */
type Targets = (deps: ConsoleDeps, ctx: SignedInContext) => Promise<TargetResource[]> | TargetResource[];

/**
 * A console action that changes the tenant, recorded in its audit log with the signed-in member
 * as initiator (`initiatedBy.user`), as the admin API records its callers. A form sent back with
 * a problem (4xx) is a failure; an error thrown on is one too, and is thrown on.
 */
export function audited(activity: string, targets: Targets, handler: ConsoleHandler): ConsoleHandler {
  return async (deps, ctx) => {
    let failure: unknown;
    try {
      await handler(deps, ctx);
    } catch (error) {
      failure = error;
    }
    const { tenant, user, requestId } = ctx.state;
    const failed = failure !== undefined || ctx.status >= 400;
    await deps.auditLog.record(tenant.id, {
      activity,
      initiatedBy: { user: { id: user.id, userPrincipalName: user.mail } },
      targets: await Promise.resolve(targets(deps, ctx)).catch(() => []),
      result: failed ? 'failure' : 'success',
      ...(requestId ? { correlationId: requestId } : {}),
    });
    if (failure !== undefined) throw failure;
  };
}

/** The user of the page's `:id`. */
export const userOfPath: Targets = (_deps, ctx) => [{ id: String(ctx.params.id), type: 'User', displayName: null }];

/** The guest an invitation form named, by its address (their id, once invited). */
export const invitedUser: Targets = async (deps, ctx) => {
  const address = normalizeEmail(formValue(ctx, 'address'));
  const user = await deps.users.findByMail(ctx.state.tenant.id, address);
  return [{ id: user?.id ?? '', type: 'User', displayName: address }];
};

export const policy = (id: string, displayName: string): Targets => () => [{ id, type: 'Policy', displayName }];

/** An identity provider: the path's, or the new one's id from the form. */
export const identityProviderOf: Targets = (_deps, ctx) => [{
  id: String(ctx.params.id ?? formValue(ctx, 'id').trim()), type: 'IdentityProvider', displayName: formValue(ctx, 'displayName') || null,
}];

export const signingKeys: Targets = (_deps, ctx) => [{ id: ctx.state.tenant.id, type: 'SigningKeys', displayName: 'Token signing keys' }];

/** The tenant's company branding, or a part of it (as the admin API's branding changes name it). */
export const companyBranding = (displayName: string): Targets => (_deps, ctx) => [{ id: ctx.state.tenant.id, type: 'Branding', displayName }];
