import { consoleUrl, type ConsoleContext, type ConsoleDeps, queryValue, seeOther } from './console-context.ts';

/**
 * GET `/callback`: the tenant's answer to the console's sign-in. A code becomes the console's
 * session (whoever signed in: what they may see is decided page by page, so a guest or a member
 * without a role gets the 403 page, with a way to sign out). An error, or an answer to a sign-in
 * this browser did not start, gets a page that offers to sign in again.
 */
export async function callback(deps: ConsoleDeps, ctx: ConsoleContext): Promise<void> {
  const { tenant } = ctx.state;
  if (queryValue(ctx, 'error')) {
    await deps.sessions.takeSignIn(ctx, tenant.id);
    return deps.pages.sendMessage(ctx, 'signInFailed', 400);
  }
  let signedIn;
  try {
    signedIn = await deps.relyingParty.finishSignIn(ctx, tenant);
  } catch (error) {
    deps.log.warn({ tenant: tenant.id, requestId: ctx.state.requestId, failure: (error as Error).name, code: (error as { code?: string }).code }, 'console sign-in failed');
    return deps.pages.sendMessage(ctx, 'signInFailed', 400);
  }
  if (!signedIn) return deps.pages.sendMessage(ctx, 'signInFailed', 400);
  await deps.sessions.start(ctx, tenant.id, signedIn.userId, signedIn.idToken);
  seeOther(ctx, consoleUrl(ctx, '/'));
}
