import { consoleUrl, type ConsoleDeps, seeOther, type SignedInContext } from './console-context.ts';

/** GET `/`: the console opens on the guest list, which every console role may see. */
export async function home(_deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  seeOther(ctx, consoleUrl(ctx, '/guests'));
}
