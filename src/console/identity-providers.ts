import { identityProviderBody } from '../admin/identity-providers-api.ts';
import { identityProviderRecord } from '../federation/identity-provider.ts';
import { checkIssuer } from '../federation/issuer-check.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { type MessageKey, t } from '../i18n/translate.ts';
import { isValidTenantId } from '../tenants/tenant.ts';
import { consoleUrl, type ConsoleDeps, formValue, queryValue, seeOther, type SignedInContext } from './console-context.ts';

interface ProviderForm {
  id: string;
  type: string;
  displayName: string;
  issuer: string;
  clientId: string;
  domains: string;
}

/** GET `/identity-providers`: direct federation (OIDC) and Google, as the admin API keeps them. */
export async function identityProvidersPage(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  deps.pages.send(ctx, 'identity-providers', {
    title: t(guestLocale(ctx), 'console.identityProviders.title'),
    section: 'identityProviders',
    providers: await deps.identityProviders.list(ctx.state.tenant.id),
    done: queryValue(ctx, 'done'),
  });
}

/** GET `/identity-providers/new` and `/identity-providers/{id}`: the form to add or change one. */
export async function identityProviderForm(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const id = ctx.params.id;
  if (id === undefined) return renderForm(deps, ctx, { id: '', type: 'oidc', displayName: '', issuer: '', clientId: '', domains: '' }, true);
  const provider = await deps.identityProviders.find(ctx.state.tenant.id, id);
  if (!provider) return deps.pages.sendMessage(ctx, 'notFound', 404);
  renderForm(deps, ctx, { ...provider, domains: provider.domains.join(', ') }, false);
}

/**
 * POST `/identity-providers/new` and `/identity-providers/{id}`: checked by the admin API's own
 * schema, then against the provider itself (its discovery document must load and name this
 * issuer), and only then stored. The page shows the check's answer.
 */
export async function saveIdentityProvider(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const { tenant } = ctx.state;
  const isNew = ctx.params.id === undefined;
  const form: ProviderForm = {
    id: isNew ? formValue(ctx, 'id').trim() : ctx.params.id as string,
    type: formValue(ctx, 'type') === 'google' ? 'google' : 'oidc',
    displayName: formValue(ctx, 'displayName'),
    issuer: formValue(ctx, 'issuer').trim(),
    clientId: formValue(ctx, 'clientId'),
    domains: formValue(ctx, 'domains'),
  };
  const secret = formValue(ctx, 'clientSecret');
  const refuse = (problem: MessageKey, status = 400) => renderForm(deps, ctx, form, isNew, t(guestLocale(ctx), problem), status);
  if (!isValidTenantId(form.id)) return refuse('console.identityProviders.invalid.id');
  const existing = await deps.identityProviders.find(tenant.id, form.id);
  if (isNew && existing) return refuse('console.identityProviders.invalid.taken', 409);
  if (!isNew && !existing) return deps.pages.sendMessage(ctx, 'notFound', 404);
  if (existing && existing.type !== form.type) return refuse('console.identityProviders.invalid.type', 409);
  if (!existing && !secret) return refuse('console.identityProviders.invalid.secret');

  const domains = form.domains.split(/[\s,]+/).filter(Boolean);
  const parsed = identityProviderBody.safeParse({
    type: form.type,
    ...(form.displayName.trim() ? { displayName: form.displayName } : {}),
    ...(form.type === 'oidc' ? { issuer: form.issuer } : {}),
    clientId: form.clientId,
    ...(secret ? { clientSecret: secret } : {}),
    ...(domains.length > 0 ? { domains } : {}),
  });
  if (!parsed.success) return refuse(`console.identityProviders.invalid.${fieldOf(parsed.error.issues[0]?.path[0])}` as MessageKey);
  const body = parsed.data;
  const provider = identityProviderRecord(form.id, body, existing);
  const { issuer } = provider;

  const check = await checkIssuer(deps.connector, issuer, body.clientId, body.clientSecret);
  if (!check.usable) {
    deps.log.warn({ requestId: ctx.state.requestId, tenant: tenant.id, identityProvider: form.id, issuer, failure: check.failure }, 'identity provider issuer check failed');
    return refuse('console.identityProviders.issuerUnusable');
  }

  const conflict = await deps.identityProviders.save(tenant.id, provider, body.clientSecret);
  if (conflict) return refuse('console.identityProviders.invalid.domainTaken', 409);
  seeOther(ctx, consoleUrl(ctx, '/identity-providers?done=providerSaved'));
}

/** GET `/identity-providers/{id}/delete`: the confirmation step. */
export async function confirmDeleteIdentityProvider(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const provider = await deps.identityProviders.find(ctx.state.tenant.id, ctx.params.id ?? '');
  if (!provider) return deps.pages.sendMessage(ctx, 'notFound', 404);
  deps.pages.send(ctx, 'delete-identity-provider', { title: t(guestLocale(ctx), 'console.deleteIdentityProvider.title'), section: 'identityProviders', provider });
}

/** POST `/identity-providers/{id}/delete`: guests who redeemed through it can no longer sign in with it. */
export async function deleteIdentityProvider(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  if (!(await deps.identityProviders.delete(ctx.state.tenant.id, ctx.params.id ?? ''))) return deps.pages.sendMessage(ctx, 'notFound', 404);
  seeOther(ctx, consoleUrl(ctx, '/identity-providers?done=providerDeleted'));
}

function fieldOf(path: PropertyKey | undefined): 'issuer' | 'clientId' | 'domains' | 'displayName' | 'secret' {
  switch (path) {
    case 'issuer': return 'issuer';
    case 'clientId': return 'clientId';
    case 'domains': return 'domains';
    case 'displayName': return 'displayName';
    default: return 'secret';
  }
}

function renderForm(deps: ConsoleDeps, ctx: SignedInContext, form: ProviderForm, isNew: boolean, problem?: string, status = 200): void {
  const locale = guestLocale(ctx);
  deps.pages.send(ctx, 'identity-provider', {
    title: t(locale, isNew ? 'console.identityProvider.newTitle' : 'console.identityProvider.editTitle'),
    section: 'identityProviders',
    form,
    isNew,
    problem,
  }, status);
}
