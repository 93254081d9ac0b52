import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import ejs from 'ejs';
import type { Context } from 'koa';

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

type Template = (data: Record<string, unknown>) => string;

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
  readonly #directory: string;
  readonly #compiled = new Map<string, Template>();

  constructor(directory: string) {
    this.#directory = directory;
  }

  render(name: string, data: PageData): string {
    const body = this.#template(name)(data);
    return this.#template('layout')({ ...data, body });
  }

  /** Renders into the response with the page security headers and no caching. */
  send(ctx: Context, name: string, data: PageData, status = 200): void {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = this.render(name, data);
  }

  #template(name: string): Template {
    let template = this.#compiled.get(name);
    if (!template) {
      const filename = join(this.#directory, `${name}.ejs`);
      // cache: partials pulled in with include() are compiled once too, not read again per render.
      template = ejs.compile(readFileSync(filename, 'utf8'), { filename, cache: true }) as Template;
      this.#compiled.set(name, template);
    }
    return template;
  }
}
