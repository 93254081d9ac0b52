import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { actionProblem } from './action-problem.ts';
import { consoleUrl, type ConsoleDeps, seeOther, type SignedInContext } from './console-context.ts';
import { guestOf } from './guest-page.ts';

/** GET `/guests/{id}/delete`: the confirmation step, saying what deleting does. */
export async function confirmDeleteGuest(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const guest = await guestOf(deps, ctx);
  if (!guest) return;
  deps.pages.send(ctx, 'delete-guest', { title: t(guestLocale(ctx), 'console.deleteGuest.title'), section: 'guests', guest });
}

/** POST `/guests/{id}/delete`: deletes the guest (signed out everywhere, links dead), back to the list. */
export async function deleteGuest(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const guest = await guestOf(deps, ctx);
  if (!guest) return;
  try {
    await deps.guests.delete(ctx.state.tenant.id, guest.id);
  } catch (error) {
    const locale = guestLocale(ctx);
    return deps.pages.send(ctx, 'delete-guest', { title: t(locale, 'console.deleteGuest.title'), section: 'guests', guest, problem: t(locale, actionProblem(error)) }, 409);
  }
  seeOther(ctx, consoleUrl(ctx, '/guests?done=deleted'));
}
