import type { Context } from 'koa';

import type { BrandingView } from '../branding/branding-view.ts';
import { requestTenantLook } from '../branding/request-tenant-look.ts';
import { EjsTemplates } from '../ejs-templates.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { type Locale, translator } from '../i18n/translate.ts';

/**
 * Server-rendered pages from `interactions/*.ejs`, each placed inside `layout.ejs`. Templates are
 * compiled once per process. Pages know nothing of Redis or oidc-provider: they get plain data.
 *
 * Every text is from the message catalogue (src/i18n): each template gets `t(key, values)` (plain
 * text, for `<%= %>`) and `html(key, values)` (values escaped, the catalogue's tags as elements,
 * for `<%- %>`), bound to the page's `locale`, and `locale` itself (layout.ejs's `lang`).
 *
 * Every page also gets `branding`: the tenant's company branding (branding/branding-view.ts) when
 * the request is for a known tenant that set some, else `{}`, and the page keeps the product's look.
 */

export interface PageData {
  /** The document title and main heading. */
  title: string;
  /** The organization the guest is signing in to, shown in the header when known. */
  tenantName?: string;
  /** The guest's language (guest-locale.ts); English when not given. */
  locale?: Locale;
  /** The tenant's branding; send() takes it from the request (branding/request-tenant-look.ts). */
  branding?: BrandingView;
  [name: string]: unknown;
}

/**
 * No script at all, styles only from our origin, never framed. form-action is left out on purpose:
 * Chromium applies it to the redirects that follow a form post, and ours end at the relying
 * party's redirect_uri, which can be any registered origin.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The one page that runs a script: a form that must go on to another address (oidc-provider's
 * form_post) submits itself with /static/auto-submit.js. Scripts from our own origin only: no
 * inline script, no eval, and every response carries nosniff, so nothing but a real script file
 * of ours can run.
 */
export const AUTO_SUBMIT_CONTENT_SECURITY_POLICY = `${PAGE_CONTENT_SECURITY_POLICY}; script-src 'self'`;

/**
 * The passkey pages (src/mfa/passkey) run WebAuthn in the browser: /static/simplewebauthn-browser.js
 * and /static/passkey.js, scripts from our own origin and nothing else, as the auto-posting page.
 */
export const PASSKEY_PAGE_CONTENT_SECURITY_POLICY = AUTO_SUBMIT_CONTENT_SECURITY_POLICY;

export class Pages {
  readonly #templates: EjsTemplates;

  constructor(directory: string) {
    this.#templates = new EjsTemplates(directory);
  }

  render(name: string, data: PageData): string {
    const view = { branding: {}, ...data, ...translator(data.locale) };
    const body = this.#templates.get(name)(view);
    return this.#templates.get('layout')({ ...view, body });
  }

  /**
   * Renders into the response, in the guest's language, with the page security headers and no caching. Every page gets the
   * request id (our app's, or the X-Request-Id header it set before oidc-provider ran), so an
   * error page can show it for the guest to quote; and the name and branding of the tenant the
   * request is for, read once by tenant routing (so even an error no handler expected shows them).
   */
  send(ctx: Context, name: string, data: PageData, status = 200, contentSecurityPolicy = PAGE_CONTENT_SECURITY_POLICY): void {
    const requestId = ctx.state.requestId ?? (ctx.response.get('X-Request-Id') || undefined);
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', contentSecurityPolicy);
    ctx.set('Cache-Control', 'no-store');
    // The language can follow Accept-Language (guest-locale.ts): a cache must key on it.
    ctx.vary('Accept-Language');
    const look = requestTenantLook(ctx.req);
    ctx.body = this.render(name, { requestId, locale: guestLocale(ctx), ...look, ...data });
  }

}
