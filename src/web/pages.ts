import type { Context } from 'koa';

import { EjsTemplates } from '../ejs-templates.ts';

/**
 * Server-rendered pages from `interactions/*.ejs`, each placed inside `layout.ejs`. Templates are
 * compiled once per process. Pages know nothing of Redis or oidc-provider: they get plain data.
 */

export interface PageData {
  /** The document title and main heading. */
  title: string;
  /** The organization the guest is signing in to, shown in the header when known. */
  tenantName?: string;
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

export class Pages {
  readonly #templates: EjsTemplates;

  constructor(directory: string) {
    this.#templates = new EjsTemplates(directory);
  }

  render(name: string, data: PageData): string {
    const body = this.#templates.get(name)(data);
    return this.#templates.get('layout')({ ...data, body });
  }

  /** Renders into the response with the page security headers and no caching. */
  send(ctx: Context, name: string, data: PageData, status = 200): void {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = this.render(name, data);
  }

}
