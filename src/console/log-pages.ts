import type { ConsoleDeps, SignedInContext } from './console-context.ts';
import { consoleUrl, queryValue } from './console-context.ts';

/**
 * What the sign-in log and audit log pages share: the "since" date filter, the "Older" cursor
 * (the admin API's sealed log cursor, so a page link cannot be turned to another tenant or log),
 * and the address of a page with its filters.
 */

export type LogName = 'signIns' | 'directoryAudits';

/** A calendar day as `<input type=date>` sends it. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The `since` filter: entries at or after 00:00 UTC of that day (the pages show times in UTC).
 * `invalid` when something else was sent, so the page can say so instead of silently ignoring it.
 */
export function sinceOf(ctx: SignedInContext): { since: string; notBeforeMs?: number; invalid: boolean } {
  const since = queryValue(ctx, 'since').trim();
  if (since === '') return { since, invalid: false };
  const ms = DAY.test(since) ? Date.parse(`${since}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms)) return { since, invalid: true };
  return { since, notBeforeMs: ms, invalid: false };
}

/** The entry an "Older" link starts after; a link that no longer reads (another key) starts again from the newest. */
export function cursorOf(deps: ConsoleDeps, ctx: SignedInContext, log: LogName): string | undefined {
  const token = queryValue(ctx, 'before');
  if (!token) return undefined;
  try {
    return deps.skipTokens.readLogCursor(ctx.state.tenant.id, log, token);
  } catch {
    return undefined;
  }
}

/** `path` with the filters that are set (and `before`, for the "Older" link). */
export function logPageUrl(ctx: SignedInContext, path: string, query: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => !!entry[1]));
  const text = search.toString();
  return `${consoleUrl(ctx, path)}${text ? `?${text}` : ''}`;
}

/** Case-insensitive equality of a filter's text with any of a record's values (empty filter: every record). */
export function matchesText(wanted: string, ...values: Array<string | null | undefined>): boolean {
  if (wanted === '') return true;
  const lower = wanted.toLowerCase();
  return values.some((value) => typeof value === 'string' && value.toLowerCase() === lower);
}
