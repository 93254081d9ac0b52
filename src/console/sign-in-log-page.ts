import { SIGN_IN_FAILURES, type SignInFailureKind } from '../activity/sign-in-failures.ts';
import type { SignIn } from '../activity/sign-in-log.ts';
import { normalizeEmail } from '../guests/user.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { CONSOLE_PAGE_SIZE } from '../limits.ts';
import { type ConsoleDeps, queryValue, type SignedInContext } from './console-context.ts';
import { cursorOf, logPageUrl, matchesText, sinceOf } from './log-pages.ts';

/** Every failure's kind by its stable error code (the log stores the code, and English words). */
const KIND_OF_CODE = new Map<number, SignInFailureKind>(
  (Object.entries(SIGN_IN_FAILURES) as Array<[SignInFailureKind, { errorCode: number }]>).map(([kind, { errorCode }]) => [errorCode, kind]),
);

/**
 * The help desk's words for a failed sign-in, in the reader's language: `console.signIns.failure`
 * has a choice per kind of failure. A code without one (`other`, or a kind added later) shows the
 * English failureReason the log stored, which still says what happened.
 */
export function failureText(locale: Parameters<typeof t>[0], status: SignIn['status']): string {
  const kind = KIND_OF_CODE.get(status.errorCode);
  return t(locale, 'console.signIns.failure', { kind: kind === 'other' || kind === undefined ? 'unknown' : kind, reason: status.failureReason ?? '' });
}

/**
 * GET `/sign-ins`: the tenant's sign-in log, newest first, what `GET /admin/tenants/{t}/signIns`
 * answers: filtered by the user's address, the app (id or name), failures only and a first day;
 * paged by the log's cursor ("Older"). Admin only.
 */
export async function signInLogPage(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const { tenant } = ctx.state;
  const locale = guestLocale(ctx);
  const user = normalizeEmail(queryValue(ctx, 'user'));
  const app = queryValue(ctx, 'app').trim();
  const failures = queryValue(ctx, 'failures') === '1';
  const { since, notBeforeMs, invalid } = sinceOf(ctx);
  const before = cursorOf(deps, ctx, 'signIns');

  const page = invalid ? { records: [] as SignIn[] } : await deps.signInLog.page(tenant.id, {
    ...(before ? { before } : {}),
    ...(notBeforeMs === undefined ? {} : { notBeforeMs }),
    top: CONSOLE_PAGE_SIZE,
    matches: (signIn) => matchesText(user, signIn.userPrincipalName)
      && matchesText(app, signIn.appId, signIn.appDisplayName)
      && (!failures || signIn.status.errorCode !== 0),
  });
  const filters = { user, app, failures: failures ? '1' : '', since };
  deps.pages.send(ctx, 'sign-ins', {
    title: t(locale, 'console.signIns.title'),
    section: 'signIns',
    filters,
    signIns: page.records.map((signIn) => ({
      ...signIn,
      failed: signIn.status.errorCode !== 0,
      reason: signIn.status.errorCode === 0 ? '' : failureText(locale, signIn.status),
    })),
    retentionDays: deps.config.activityLogRetentionDays,
    problem: invalid ? t(locale, 'console.logs.invalidSince') : undefined,
    olderUrl: page.next ? logPageUrl(ctx, '/sign-ins', { ...filters, before: deps.skipTokens.issueLogCursor(tenant.id, 'signIns', page.next) }) : undefined,
    newestUrl: before ? logPageUrl(ctx, '/sign-ins', filters) : undefined,
  }, invalid ? 400 : 200);
}
