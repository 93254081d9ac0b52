import { guestLocale } from '../i18n/guest-locale.ts';
import { LOCALES, t } from '../i18n/translate.ts';
import { type ConsoleDeps, formValue, type SignedInContext } from './console-context.ts';
import { type InvitationForm, sendInvitation } from './invitation-form.ts';

const EMPTY_FORM: InvitationForm = { address: '', displayName: '', redirectUrl: '', delivery: 'mail', messageLanguage: '', message: '' };

/** GET `/invite`: the invitation form (Graph's invitation: address, redirect URL, mail or link, language, personal message). */
export async function inviteForm(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  renderForm(deps, ctx, EMPTY_FORM);
}

/** POST `/invite`: invites, then shows the result (and the link, to copy when no mail was sent). */
export async function invite(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const form: InvitationForm = {
    address: formValue(ctx, 'address'),
    displayName: formValue(ctx, 'displayName'),
    redirectUrl: formValue(ctx, 'redirectUrl'),
    delivery: formValue(ctx, 'delivery') === 'link' ? 'link' : 'mail',
    messageLanguage: (LOCALES as string[]).includes(formValue(ctx, 'messageLanguage')) ? formValue(ctx, 'messageLanguage') : '',
    message: formValue(ctx, 'message'),
  };
  const outcome = await sendInvitation(deps, ctx, form, false);
  if (outcome.kind !== 'invited') {
    return renderForm(deps, ctx, form, outcome.kind === 'invalid' ? outcome.field : undefined, t(guestLocale(ctx), outcome.problem), 400);
  }
  deps.pages.send(ctx, 'invited', {
    title: t(guestLocale(ctx), 'console.invited.title'),
    section: 'invite',
    invitation: outcome.invitation,
  }, 201);
}

function renderForm(deps: ConsoleDeps, ctx: SignedInContext, form: InvitationForm, invalidField?: string, problem?: string, status = 200): void {
  deps.pages.send(ctx, 'invite', {
    title: t(guestLocale(ctx), 'console.invite.title'),
    section: 'invite',
    form,
    invalidField,
    problem,
    languages: LOCALES,
  }, status);
}
