import type { TargetResource } from '../activity/audit-log.ts';
import type { User } from '../guests/user.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import type { AuthenticationMethod } from '../mfa/authentication-method.ts';
import { consoleUrl, type ConsoleDeps, seeOther, type SignedInContext } from './console-context.ts';
import { guestOf } from './guest-page.ts';

/** The guest and the method of a `/guests/{id}/authentication-methods/{methodId}` URL; a 404 page for either missing. */
async function guestAndMethod(deps: ConsoleDeps, ctx: SignedInContext): Promise<{ guest: User; method: AuthenticationMethod } | undefined> {
  const guest = await guestOf(deps, ctx);
  if (!guest) return undefined;
  const method = await deps.authenticationMethods.find(ctx.state.tenant.id, guest.id, String(ctx.params.methodId ?? ''));
  if (method) return { guest, method };
  deps.pages.sendMessage(ctx, 'notFound', 404);
  return undefined;
}

/** GET `/guests/{id}/authentication-methods/{methodId}/delete`: the confirmation step, saying what deleting does. */
export async function confirmDeleteMethod(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const found = await guestAndMethod(deps, ctx);
  if (!found) return;
  deps.pages.send(ctx, 'delete-authentication-method', {
    title: t(guestLocale(ctx), 'console.deleteMethod.title'), section: 'guests', guest: found.guest, method: found.method,
  });
}

/**
 * POST `/guests/{id}/authentication-methods/{methodId}/delete`: as the admin API's DELETE (a lost
 * phone, a security key gone): the guest sets up a second factor again at their next sign-in that needs one.
 */
export async function deleteMethod(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const found = await guestAndMethod(deps, ctx);
  if (!found) return;
  // Deleted meanwhile (another admin, the API): the same 404 as a method that never was.
  if (!(await deps.authenticationMethods.delete(ctx.state.tenant.id, found.guest.id, found.method.id))) return deps.pages.sendMessage(ctx, 'notFound', 404);
  seeOther(ctx, consoleUrl(ctx, `/guests/${encodeURIComponent(found.guest.id)}?done=methodDeleted`));
}

/** The audit entry's targets, as the admin API's DELETE names them: the user, then the method. */
export const methodOfPath = (_deps: ConsoleDeps, ctx: SignedInContext): TargetResource[] => [
  { id: String(ctx.params.id), type: 'User', displayName: null },
  { id: String(ctx.params.methodId), type: 'AuthenticationMethod', displayName: null },
];
