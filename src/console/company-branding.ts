import { updateBrandingBody } from '../admin/schemas.ts';
import { applyBrandingChanges, type Branding, BRANDING_TEXT_FIELDS, type BrandingChanges, type BrandingTextField } from '../branding/branding.ts';
import { brandingView } from '../branding/branding-view.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { LOGO_MAX_BYTES, LOGO_MAX_PIXELS, SIGN_IN_PAGE_TEXT_MAX_LENGTH, USERNAME_HINT_TEXT_MAX_LENGTH } from '../limits.ts';
import { consoleUrl, type ConsoleDeps, formValue, queryValue, seeOther, type SignedInContext } from './console-context.ts';

/** The form's fields, by Graph's names, as typed (a refused form comes back as it was sent). */
type BrandingForm = Record<BrandingTextField, string>;

/** GET `/branding`: the company branding guests see, its form, and what is set now (logo, colour). */
export async function brandingPage(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const current = await deps.branding.find(ctx.state.tenant);
  const form = Object.fromEntries(BRANDING_TEXT_FIELDS.map((field) => [field, current[field] ?? ''])) as BrandingForm;
  renderPage(deps, ctx, current, form, []);
}

/**
 * POST `/branding`: the five text fields, checked by the admin API's own schema (updateBrandingBody)
 * and applied as its PATCH applies them (applyBrandingChanges), so the console and the API accept
 * and refuse the same. Every field is sent; an emptied one clears the value (the PATCH's `null`).
 * A refused form writes nothing and names every field that was wrong.
 */
export async function saveBranding(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const { tenant } = ctx.state;
  const form = Object.fromEntries(BRANDING_TEXT_FIELDS.map((field) => [field, formValue(ctx, field)])) as BrandingForm;
  const changes: BrandingChanges = Object.fromEntries(BRANDING_TEXT_FIELDS.map((field) => [field, form[field].trim() === '' ? null : form[field]]));
  const parsed = updateBrandingBody.safeParse(changes);
  if (!parsed.success) {
    const invalid = BRANDING_TEXT_FIELDS.filter((field) => parsed.error.issues.some((issue) => issue.path[0] === field));
    return renderPage(deps, ctx, await deps.branding.find(tenant), form, invalid, 400);
  }
  await deps.branding.update(tenant, (current) => applyBrandingChanges(current, parsed.data));
  seeOther(ctx, consoleUrl(ctx, '/branding?done=saved'));
}

/** POST `/branding/square-logo/delete`: guests see the product's mark again. */
export async function deleteSquareLogo(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  if (!(await deps.branding.deleteSquareLogo(ctx.state.tenant))) return deps.pages.sendMessage(ctx, 'notFound', 404);
  seeOther(ctx, consoleUrl(ctx, '/branding?done=logoDeleted'));
}

function renderPage(deps: ConsoleDeps, ctx: SignedInContext, current: Branding, form: BrandingForm, invalid: BrandingTextField[], status = 200): void {
  const locale = guestLocale(ctx);
  const { tenant } = ctx.state;
  // The logo and colour as guests get them: the same same-origin URLs, so the page's CSP admits them
  // and the colour reaches the swatch through the tenant's stylesheet (layout.ejs), never a style attribute.
  const view = brandingView(current, tenant.id, deps.config.baseUrl);
  deps.pages.send(ctx, 'branding', {
    title: t(locale, 'console.branding.title'),
    section: 'branding',
    current: view,
    brandingStylesheetUrl: view.stylesheetUrl,
    form,
    invalid,
    // A logo is uploaded through the admin API (raw bytes, checked by checkLogoImage): the console's
    // forms are url-encoded only, and a multipart parser is not worth its weight for one file.
    logoUpload: { path: `PUT /admin/tenants/${tenant.id}/branding/squareLogo`, kib: LOGO_MAX_BYTES / 1024, pixels: LOGO_MAX_PIXELS },
    limits: { signInPageText: SIGN_IN_PAGE_TEXT_MAX_LENGTH, usernameHintText: USERNAME_HINT_TEXT_MAX_LENGTH },
    problem: invalid.length > 0 ? invalid.map((field) => t(locale, 'console.branding.invalid', {
      field, signInMax: SIGN_IN_PAGE_TEXT_MAX_LENGTH, hintMax: USERNAME_HINT_TEXT_MAX_LENGTH,
    })).join(' ') : undefined,
    // `console.done` says "saved"; the logo's removal has its own sentence (console.branding.logoRemoved).
    done: queryValue(ctx, 'done') === 'saved' ? 'saved' : undefined,
    logoRemoved: queryValue(ctx, 'done') === 'logoDeleted',
  }, status);
}
