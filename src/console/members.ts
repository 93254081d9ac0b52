import { MEMBER_ROLES, type MemberRole, type User } from '../guests/user.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { CONSOLE_PAGE_SIZE } from '../limits.ts';
import { actionProblem } from './action-problem.ts';
import { consoleUrl, type ConsoleDeps, formValues, queryValue, seeOther, type SignedInContext } from './console-context.ts';

/** How many members the page lists; more are a matter for the admin API (`$filter=userType eq 'Member'`). */
const MEMBERS_SHOWN = CONSOLE_PAGE_SIZE * 5;

/** GET `/members`: the tenant's own people (members) and their directory roles. */
export async function membersPage(deps: ConsoleDeps, ctx: SignedInContext, problem?: string): Promise<void> {
  const page = await deps.guests.list(ctx.state.tenant.id, { userType: 'Member' }, undefined, MEMBERS_SHOWN);
  deps.pages.send(ctx, 'members', {
    title: t(guestLocale(ctx), 'console.members.title'),
    section: 'members',
    members: page.users,
    more: page.next !== undefined,
    roles: MEMBER_ROLES,
    rolesOf: (member: User) => member.roles ?? [],
    done: queryValue(ctx, 'done'),
    problem,
  }, problem ? 400 : 200);
}

/**
 * POST `/members/{id}/roles`: the member's roles become the ticked ones (Guests.update, as the
 * admin API's `PATCH /users/{id}` sets them). An administrator cannot take their own admin role: someone must stay able
 * to run the tenant, and another administrator can.
 */
export async function setRoles(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const roles = formValues(ctx, 'roles').filter((role): role is MemberRole => (MEMBER_ROLES as readonly string[]).includes(role));
  const memberId = ctx.params.id ?? '';
  const locale = guestLocale(ctx);
  if (memberId === ctx.state.user.id && !roles.includes('admin')) return membersPage(deps, ctx, t(locale, 'console.members.keepOwnAdmin'));
  try {
    await deps.guests.update(ctx.state.tenant.id, memberId, { roles });
  } catch (error) {
    return membersPage(deps, ctx, t(locale, actionProblem(error)));
  }
  seeOther(ctx, consoleUrl(ctx, '/members?done=saved'));
}
