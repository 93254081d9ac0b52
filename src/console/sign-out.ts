import { sameSecret } from '../web/constant-time.ts';
import { consoleUrl, type ConsoleContext, type ConsoleDeps, formValue, seeOther } from './console-context.ts';

/**
 * POST `/sign-out` (any signed-in user, a 403'd one too, with the session's CSRF token): ends the
 * console's session, then the tenant's sign-in session at its end-session endpoint, which comes
 * back to `/signed-out`.
 */
export async function signOut(deps: ConsoleDeps, ctx: ConsoleContext): Promise<void> {
  const { tenant } = ctx.state;
  const session = await deps.sessions.find(ctx, tenant.id);
  if (!session) return seeOther(ctx, consoleUrl(ctx, '/signed-out'));
  if (!sameSecret(formValue(ctx, '_csrf'), session.csrfToken)) return deps.pages.sendMessage(ctx, 'forbidden', 403, { reason: 'forgedForm' });
  await deps.sessions.end(ctx, tenant.id, session);
  seeOther(ctx, (await deps.relyingParty.signOutUrl(ctx, tenant, session.idToken)).href);
}

/** GET `/signed-out`: where the tenant's sign-out comes back to. */
export async function signedOut(deps: ConsoleDeps, ctx: ConsoleContext): Promise<void> {
  deps.pages.sendMessage(ctx, 'signedOut', 200);
}
