import type Router from '@koa/router';

import { z } from 'zod';

import { BadRequestError, ConflictError } from '../errors.ts';
import type { Guests } from '../guests/guests.ts';
import { isAccountEnabled, newMember, SIGN_IN_SOURCES, type User } from '../guests/user.ts';
import { USER_FILTER_FIELDS, type UserFilter, type UserFilterField } from '../store/user-repository.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminState } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';
import { displayName, emailAddress, updateUserBody } from './schemas.ts';
import type { SkipTokens } from './skip-token.ts';

/** A member of the tenant: its own people, who sign in here and are guests elsewhere. */
export const createMemberBody = z.strictObject({
  mail: emailAddress,
  displayName: displayName.optional(),
});

/** Graph's default and largest page sizes for user lists. */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

const FILTER_VALUES: Record<UserFilterField, readonly string[]> = {
  userType: ['Guest', 'Member'],
  externalUserState: ['PendingAcceptance', 'Accepted'],
  source: SIGN_IN_SOURCES,
};

/** What the admin API shows of a user, in Graph's field names. */
export function userView(user: User) {
  return {
    id: user.id,
    mail: user.mail,
    displayName: user.displayName,
    userType: user.userType,
    externalUserState: user.externalUserState,
    externalUserStateChangeDateTime: user.externalUserStateChangeDateTime,
    source: user.source,
    createdDateTime: user.createdDateTime,
    lastSignInDateTime: user.lastSignInDateTime,
    // Directory roles are a member's; a guest holds none and shows no field for them.
    ...(user.userType === 'Member' ? { roles: user.roles ?? [] } : {}),
    accountEnabled: isAccountEnabled(user),
  };
}

/** A parsed `$filter`: indexed fields, and possibly one address. */
export interface ParsedUserFilter {
  fields: UserFilter;
  mail?: string;
}

/**
 * A small part of OData `$filter`, what the users list needs: `field eq 'value'` joined by `and`,
 * on userType, externalUserState, source and mail.
 */
export function parseUserFilter(filter: string | undefined): ParsedUserFilter {
  const parsed: ParsedUserFilter = { fields: {} };
  if (filter === undefined || filter.trim() === '') return parsed;
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const match = /^(\w+)\s+eq\s+'([^']*)'$/.exec(clause.trim());
    const field = match?.[1];
    const value = match?.[2] as string;
    if (field === 'mail') {
      parsed.mail = value.toLowerCase();
      continue;
    }
    if (!match || !field || !(USER_FILTER_FIELDS as readonly string[]).includes(field)) {
      throw new BadRequestError(`Unsupported $filter '${clause.trim()}': use field eq 'value' with mail, ${USER_FILTER_FIELDS.join(', ')}, joined by and.`);
    }
    if (!FILTER_VALUES[field as UserFilterField].includes(value)) {
      throw new BadRequestError(`${field} is one of ${FILTER_VALUES[field as UserFilterField].join(', ')}; '${value}' is not.`);
    }
    parsed.fields[field as UserFilterField] = value;
  }
  return parsed;
}

function pageSize(top: string | undefined): number {
  if (top === undefined) return DEFAULT_PAGE_SIZE;
  const size = Number(top);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new BadRequestError(`$top must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  return size;
}

/** `/admin/tenants/{t}/users`: the tenant's guests (and members), listed, shown, changed, deleted. */
export function mountUsersApi(router: Router<AdminState>, tenants: TenantService, guests: Guests, baseUrl: string, skipTokens: SkipTokens): void {
  router.get('/tenants/:tenantId/users', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const query = ctx.query as Record<string, string | undefined>;
    const filter = parseUserFilter(query.$filter);
    const top = pageSize(query.$top);
    if (filter.mail !== undefined) {
      // One address is at most one user: no index scan, no paging.
      const user = await guests.findByMail(tenant.id, filter.mail);
      const matches = user && Object.entries(filter.fields).every(([field, value]) => user[field as UserFilterField] === value);
      ctx.body = { value: matches ? [userView(user)] : [] };
      return;
    }
    const after = query.$skiptoken === undefined ? undefined : skipTokens.read(tenant.id, query.$skiptoken);
    const page = await guests.list(tenant.id, filter.fields, after, top);
    const next = new URL(`${baseUrl}/admin/tenants/${tenant.id}/users`);
    if (query.$filter) next.searchParams.set('$filter', query.$filter);
    next.searchParams.set('$top', String(top));
    if (page.next) next.searchParams.set('$skiptoken', skipTokens.issue(tenant.id, page.next));
    ctx.body = {
      value: page.users.map(userView),
      ...(page.next ? { '@odata.nextLink': next.href } : {}),
    };
  });

  router.post('/tenants/:tenantId/users', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const body = parseBody(ctx, createMemberBody);
    const member = newMember(body.mail, body.displayName ?? null);
    if (!(await guests.createMember(tenant.id, member))) throw new ConflictError(`${body.mail} is already a user of this tenant.`);
    ctx.status = 201;
    ctx.set('Location', `/admin/tenants/${tenant.id}/users/${member.id}`);
    ctx.body = userView(member);
  });

  router.get('/tenants/:tenantId/users/:userId', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    ctx.body = userView(await guests.get(tenant.id, ctx.params.userId as string));
  });

  router.patch('/tenants/:tenantId/users/:userId', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const body = parseBody(ctx, updateUserBody);
    ctx.body = userView(await guests.update(tenant.id, ctx.params.userId as string, body));
  });

  router.delete('/tenants/:tenantId/users/:userId', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    await guests.delete(tenant.id, ctx.params.userId as string);
    ctx.status = 204;
  });
}
