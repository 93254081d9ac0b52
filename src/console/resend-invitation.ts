import { consoleUrl, type ConsoleDeps, formValue, seeOther, type SignedInContext } from './console-context.ts';
import { guestOf, guestPage } from './guest-page.ts';
import { sendInvitation } from './invitation-form.ts';

/**
 * POST `/guests/{id}/resend` and `/guests/{id}/reset`: a new invitation mail to the guest, as the
 * portal's "Resend invitation"; `/reset` first resets the redemption (Graph's resetRedemption: the
 * recorded method is cleared, the guest is pending again and signed out everywhere).
 */
export function reinvite(resetRedemption: boolean) {
  return async (deps: ConsoleDeps, ctx: SignedInContext): Promise<void> => {
    const guest = await guestOf(deps, ctx);
    if (!guest) return;
    const redirectUrl = formValue(ctx, 'redirectUrl');
    const outcome = await sendInvitation(deps, ctx, {
      address: guest.mail, displayName: '', redirectUrl, delivery: 'mail', messageLanguage: '', message: '',
    }, resetRedemption);
    if (outcome.kind !== 'invited') return guestPage(deps, ctx, { key: outcome.problem, redirectUrl });
    seeOther(ctx, consoleUrl(ctx, `/guests/${encodeURIComponent(guest.id)}?done=${resetRedemption ? 'reset' : 'resent'}`));
  };
}
