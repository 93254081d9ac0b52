import type { UserCursor } from '../store/user-repository.ts';
import { SIGN_IN_SOURCES, normalizeEmail, type User } from '../guests/user.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { CONSOLE_PAGE_SIZE } from '../limits.ts';
import { consoleUrl, type ConsoleDeps, queryValue, type SignedInContext } from './console-context.ts';

const STATES = ['PendingAcceptance', 'Accepted'] as const;

/**
 * GET `/guests`: the tenant's guests with the portal's columns (name, email, user type, source,
 * invitation state, last sign-in), oldest first; filtered by invitation state and source, or
 * looked up by address; paged by a cursor (the admin API's skip token), so guests invited
 * meanwhile never make a page skip or repeat anyone.
 */
export async function guestList(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const { tenant } = ctx.state;
  const state = oneOf(queryValue(ctx, 'state'), STATES);
  const source = oneOf(queryValue(ctx, 'source'), SIGN_IN_SOURCES);
  const address = normalizeEmail(queryValue(ctx, 'address'));
  const filter = { userType: 'Guest', ...(state ? { externalUserState: state } : {}), ...(source ? { source } : {}) };

  let guests: User[];
  let nextUrl: string | undefined;
  const after = queryValue(ctx, 'after');
  if (address) {
    // One address is at most one user: the filters still apply to it.
    const user = await deps.guests.findByMail(tenant.id, address);
    guests = user && Object.entries(filter).every(([field, value]) => user[field as keyof User] === value) ? [user] : [];
  } else {
    const page = await deps.guests.list(tenant.id, filter, after ? readCursor(deps, tenant.id, after) : undefined, CONSOLE_PAGE_SIZE);
    guests = page.users;
    if (page.next) nextUrl = listUrl(ctx, { state, source, after: deps.skipTokens.issue(tenant.id, page.next) });
  }
  const locale = guestLocale(ctx);
  deps.pages.send(ctx, 'guests', {
    title: t(locale, 'console.guests.title'),
    section: 'guests',
    guests,
    filters: { state: state ?? '', source: source ?? '', address },
    states: STATES,
    sources: SIGN_IN_SOURCES,
    nextUrl,
    firstUrl: after ? listUrl(ctx, { state, source }) : undefined,
    done: queryValue(ctx, 'done'),
  });
}

function listUrl(ctx: SignedInContext, query: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => !!entry[1]));
  return `${consoleUrl(ctx, '/guests')}?${search}`;
}

/** A cursor of an older link that no longer reads (another key, another tenant) starts again from the top. */
function readCursor(deps: ConsoleDeps, tenantId: string, token: string): UserCursor | undefined {
  try {
    return deps.skipTokens.read(tenantId, token);
  } catch {
    return undefined;
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(value) ? value as T : undefined;
}
