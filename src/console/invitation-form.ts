import { createInvitationBody, type CreateInvitationBody } from '../admin/schemas.ts';
import type { Invitation } from '../guests/invitations.ts';
import type { MessageKey } from '../i18n/translate.ts';
import type { ConsoleDeps, SignedInContext } from './console-context.ts';
import { actionProblem } from './action-problem.ts';

/** What the console's invitation forms send, by field name. */
export interface InvitationForm {
  address: string;
  displayName: string;
  redirectUrl: string;
  /** `mail`: send the invitation mail; `link`: only show the link, to pass on some other way. */
  delivery: string;
  messageLanguage: string;
  message: string;
}

/** The form field each invitation field is typed in, for pointing at the one that is wrong. */
const FIELD_OF: Record<string, keyof InvitationForm> = {
  invitedUserEmailAddress: 'address',
  inviteRedirectUrl: 'redirectUrl',
  invitedUserDisplayName: 'displayName',
  invitedUserMessageInfo: 'message',
};

const FIELD_PROBLEM: Record<keyof InvitationForm, MessageKey> = {
  address: 'console.invite.invalid.address',
  redirectUrl: 'console.invite.invalid.redirectUrl',
  displayName: 'console.invite.invalid.displayName',
  message: 'console.invite.invalid.message',
  messageLanguage: 'console.invite.invalid.message',
  delivery: 'console.invite.invalid.message',
};

export type InvitationOutcome =
  | { kind: 'invited'; invitation: Invitation }
  | { kind: 'invalid'; field: keyof InvitationForm; problem: MessageKey }
  | { kind: 'refused'; problem: MessageKey };

/**
 * Invites through the same domain service as `POST /admin/tenants/{t}/invitations`, with the
 * request checked by the admin API's own schema: one rule for both doors. The mail names the
 * console user as the inviter.
 */
export async function sendInvitation(deps: ConsoleDeps, ctx: SignedInContext, form: InvitationForm, resetRedemption: boolean): Promise<InvitationOutcome> {
  const messageInfo = {
    ...(form.messageLanguage ? { messageLanguage: form.messageLanguage } : {}),
    ...(form.message.trim() ? { customizedMessageBody: form.message } : {}),
  };
  const parsed = createInvitationBody.safeParse({
    invitedUserEmailAddress: form.address,
    inviteRedirectUrl: form.redirectUrl.trim(),
    ...(form.displayName.trim() ? { invitedUserDisplayName: form.displayName } : {}),
    sendInvitationMessage: form.delivery !== 'link',
    ...(Object.keys(messageInfo).length > 0 ? { invitedUserMessageInfo: messageInfo } : {}),
    resetRedemption,
  });
  if (!parsed.success) {
    const field = FIELD_OF[String(parsed.error.issues[0]?.path[0])] ?? 'address';
    return { kind: 'invalid', field, problem: FIELD_PROBLEM[field] };
  }
  const request: CreateInvitationBody = parsed.data;
  const { user } = ctx.state;
  try {
    const invitation = await deps.invitations.invite(ctx.state.tenant, request, user.displayName ?? null);
    return { kind: 'invited', invitation };
  } catch (error) {
    return { kind: 'refused', problem: actionProblem(error) };
  }
}
