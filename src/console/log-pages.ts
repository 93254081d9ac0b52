import type { ConsoleDeps, SignedInContext } from './console-context.ts';

/**
 * GET `/sign-ins` and `/audit-logs`: LOGS, the place for the sign-in log and the audit log pages.
 * Another branch of issue 12 builds the logs themselves; until the lead wires the pages here (and
 * sets `available` in navigation.ts), these answer 404 and the navigation does not show them.
 */
export async function logPageNotYetAvailable(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  deps.pages.sendMessage(ctx, 'notFound', 404);
}
