import type { Context } from 'koa';

import { EjsTemplates } from '../ejs-templates.ts';
import type { User } from '../guests/user.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { type Locale, type MessageKey, t, translator } from '../i18n/translate.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { PAGE_CONTENT_SECURITY_POLICY } from '../web/pages.ts';
import { consolePath } from './console-client.ts';
import type { ConsoleSession } from './console-sessions.ts';
import { consoleNavigation } from './navigation.ts';

/** What every console page gets besides its own data. */
export interface ConsolePageData {
  /** The document title and main heading, already translated. */
  title: string;
  /** Which navigation entry is this page's. */
  section?: string;
  [name: string]: unknown;
}

/**
 * The console's pages: `interactions/console/*.ejs`, each inside `console/layout.ejs`, with the
 * guest pages' stylesheet and message catalogue, the same strict CSP (no script at all) and no
 * caching. Every page gets `t`/`html` in the reader's language, the tenant, the signed-in user and
 * the navigation their roles allow, `csrfToken` for its forms, `base` (the console's path) and
 * `formatDate`.
 */
export class ConsolePages {
  readonly #templates: EjsTemplates;

  constructor(interactionsDirectory: string) {
    this.#templates = new EjsTemplates(interactionsDirectory);
  }

  send(ctx: Context, name: string, data: ConsolePageData, status = 200): void {
    const locale = guestLocale(ctx);
    const state = ctx.state as { tenant: Tenant; session?: ConsoleSession; user?: User; requestId?: string };
    const view = {
      ...translator(locale),
      tenantName: state.tenant.displayName,
      base: consolePath(state.tenant.id).slice(0, -1),
      user: state.user,
      csrfToken: state.session?.csrfToken,
      navigation: state.user ? consoleNavigation(state.user) : [],
      requestId: state.requestId ?? (ctx.response.get('X-Request-Id') || undefined),
      formatDate: (iso: string | null | undefined) => formatDate(locale, iso),
      section: undefined,
      ...data,
    };
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    ctx.set('Cache-Control', 'no-store');
    ctx.vary('Accept-Language');
    const body = this.#templates.get(`console/${name}`)(view);
    ctx.body = this.#templates.get('console/layout')({ ...view, body });
  }

  /** A page that only says something (the 403, a stub, a sign-in that failed): `console.<key>.title`/`.message`. */
  sendMessage(ctx: Context, key: 'forbidden' | 'notFound' | 'signInFailed' | 'signedOut', status: number, values: Record<string, string | boolean> = {}): void {
    const locale = guestLocale(ctx);
    this.send(ctx, 'message', {
      title: t(locale, `console.${key}.title` as MessageKey, values),
      message: t(locale, `console.${key}.message` as MessageKey, values),
      kind: key,
    }, status);
  }
}

/** Dates as the reader's language writes them, in UTC (said so): the store keeps ISO 8601 UTC. */
export function formatDate(locale: Locale, iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`;
}
