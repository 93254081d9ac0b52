import type { User } from '../guests/user.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { methodRows } from './authentication-method-rows.ts';
import { consoleUrl, type ConsoleDeps, queryValue, type SignedInContext } from './console-context.ts';
import { CONSOLE_NAVIGATION, mayOpen } from './navigation.ts';

/** The guest a `/guests/{id}` URL names; undefined (and a 404 page sent) for no such guest, or a member. */
export async function guestOf(deps: ConsoleDeps, ctx: SignedInContext): Promise<User | undefined> {
  const user = await deps.users.find(ctx.state.tenant.id, ctx.params.id ?? '');
  if (user?.userType === 'Guest') return user;
  deps.pages.sendMessage(ctx, 'notFound', 404);
  return undefined;
}

/**
 * GET `/guests/{id}`: one guest, and what can be done: resend the invitation, reset redemption,
 * delete; for an administrator, the guest's second factors too (a guest inviter does not see them:
 * in Entra authentication methods are an administrator's business).
 */
export async function guestPage(deps: ConsoleDeps, ctx: SignedInContext, problem?: { key: Parameters<typeof t>[1]; redirectUrl: string }): Promise<void> {
  const guest = await guestOf(deps, ctx);
  if (!guest) return;
  const locale = guestLocale(ctx);
  deps.pages.send(ctx, 'guest', {
    title: guest.displayName ?? guest.mail,
    section: 'guests',
    guest,
    done: queryValue(ctx, 'done'),
    redeemUrl: undefined,
    redirectUrl: problem?.redirectUrl ?? '',
    problem: problem ? t(locale, problem.key) : undefined,
    signInsUrl: signInsOf(ctx, guest),
    methods: mayOpen(ctx.state.user, ['admin']) ? await methodRows(deps, ctx.state.tenant.id, guest) : undefined,
  }, problem ? 400 : 200);
}

/** The sign-in log filtered to the guest ("why could this guest not sign in"), for those who may read it. */
function signInsOf(ctx: SignedInContext, guest: User): string | undefined {
  const entry = CONSOLE_NAVIGATION.find((candidate) => candidate.section === 'signIns');
  if (!entry || !guest.mail || !mayOpen(ctx.state.user, entry.roles)) return undefined;
  return `${consoleUrl(ctx, entry.path)}?${new URLSearchParams({ user: guest.mail })}`;
}
