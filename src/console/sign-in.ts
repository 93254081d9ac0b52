import { consoleUrl, type ConsoleContext, type ConsoleDeps, seeOther } from './console-context.ts';

/** GET `/sign-in`: off to the tenant's own sign-in (code flow, PKCE); the console's home when already signed in. */
export async function signIn(deps: ConsoleDeps, ctx: ConsoleContext): Promise<void> {
  const { tenant } = ctx.state;
  if (await deps.sessions.find(ctx, tenant.id)) return seeOther(ctx, consoleUrl(ctx, '/'));
  seeOther(ctx, (await deps.relyingParty.signInUrl(ctx, tenant)).href);
}
