import type { Context } from 'koa';

/** A browser navigating (HTML first) rather than a program calling (JSON or anything). */
export function prefersHtml(ctx: Context): boolean {
  return ctx.accepts('json', 'html') === 'html';
}
