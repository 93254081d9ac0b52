import type { KoaContextWithOIDC } from 'oidc-provider';

import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { AUTO_SUBMIT_CONTENT_SECURITY_POLICY, type Pages } from '../web/pages.ts';
import { sendProblemPage } from '../web/problem-page.ts';
import type { Tenant } from './tenant.ts';

/** A form that only carries data on to another address. */
export interface AutoPostForm {
  action: string;
  fields: [name: string, value: string][];
}

/**
 * oidc-provider writes one page of its own that no setting replaces: form_post.js's "Submitting
 * Callback", a form that posts itself with an inline script. It is the form_post response mode
 * (success and error), and resume.js and end_session.js use it to post a sign-out on (a browser
 * whose session is of another account; a logout without a session). This post-middleware
 * (`provider.use`, oidc-provider's extension point for its responses) takes the action and fields
 * from that page and renders our own page with them instead: the product's look, the strict CSP
 * plus `script-src 'self'`, and /static/auto-submit.js instead of the inline script.
 */
export function autoPostPage(pages: Pages, tenant: Tenant) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    const { body } = ctx;
    // None of our pages has a script element: one in an HTML answer can only be oidc-provider's.
    if (typeof body !== 'string' || !ctx.response.is('html') || !/<script\b/i.test(body)) return;
    const form = autoPostFormIn(body);
    const status = ctx.status;
    if (!form) {
      // Not the page this was written against (an upgrade changed it): fail closed, never serve it.
      sendProblemPage(pages, ctx, 'serverError', 500, { tenantName: tenant.displayName });
      return;
    }
    pages.send(ctx, 'continue', { ...describe(ctx, form), tenantName: tenant.displayName, form }, status, AUTO_SUBMIT_CONTENT_SECURITY_POLICY);
  };
}

/** What the guest reads while the form goes on (or if scripts are off, before pressing Continue). */
function describe(ctx: KoaContextWithOIDC, form: AutoPostForm): { title: string; message: string } {
  const locale = guestLocale(ctx);
  if (form.action === ctx.oidc?.urlFor('end_session_confirm')) {
    const page = ctx.oidc.route === 'resume' ? 'continue.signingOutOther' : 'continue.signingOut';
    return { title: t(locale, `${page}.title`), message: t(locale, `${page}.message`) };
  }
  const app = ctx.oidc?.client?.clientName;
  return { title: t(locale, 'continue.returning.title', { hasApp: !!app, app }), message: t(locale, 'continue.returning.message') };
}

const FORM = /<form method="post" action="([^"]*)">/g;
const HIDDEN_INPUT = /<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The one form of form_post.js's page (its attributes escaped by its htmlSafe), or undefined. */
export function autoPostFormIn(html: string): AutoPostForm | undefined {
  const forms = [...html.matchAll(FORM)];
  if (forms.length !== 1) return undefined;
  const fields = [...html.matchAll(HIDDEN_INPUT)].map(([, name, value]) => [unescape(name as string), unescape(value as string)] as [string, string]);
  return { action: unescape(forms[0]?.[1] as string), fields };
}

function unescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] as string);
}
