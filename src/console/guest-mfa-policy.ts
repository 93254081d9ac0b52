import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { SECOND_FACTOR_KINDS, type SecondFactorKind } from '../mfa/authentication-method.ts';
import { GUEST_MFA_SOURCES, type GuestMfaPolicy, guestMfaPolicyOf } from '../mfa/guest-mfa-policy.ts';
import type { SignInSource } from '../guests/user.ts';
import { consoleUrl, type ConsoleDeps, formValue, formValues, queryValue, seeOther, type SignedInContext } from './console-context.ts';

/**
 * GET `/policies/mfa`: the tenant's guest MFA policy (`policies/guestMfa`): off or on, which
 * second factors, and for whom: every guest, guests of some sources, sign-ins to some apps.
 */
export async function guestMfaPolicyPage(deps: ConsoleDeps, ctx: SignedInContext, refused?: { policy: GuestMfaPolicy; problem: 'noMethod' }): Promise<void> {
  const { tenant } = ctx.state;
  // A refused form is shown as it was sent, with what to fix.
  const policy = refused?.policy ?? guestMfaPolicyOf(tenant);
  const problem = refused && t(guestLocale(ctx), 'console.mfa.noMethod');
  const apps = (await deps.clients.list(tenant.id)).map((client) => ({ id: client.client_id, name: client.client_name }));
  deps.pages.send(ctx, 'guest-mfa', {
    title: t(guestLocale(ctx), 'console.mfa.title'),
    section: 'guestMfa',
    policy,
    kinds: SECOND_FACTOR_KINDS,
    sources: GUEST_MFA_SOURCES,
    apps,
    problem,
    done: queryValue(ctx, 'done'),
  }, problem ? 400 : 200);
}

/** POST `/policies/mfa`: sets the whole policy, as `PATCH /policies/guestMfa` does. */
export async function setGuestMfaPolicy(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const state = formValue(ctx, 'state') === 'enabled' ? 'enabled' : 'disabled';
  const methods = SECOND_FACTOR_KINDS.filter((kind) => formValues(ctx, 'methods').includes(kind));
  const sources = formValue(ctx, 'scope') === 'sources' ? GUEST_MFA_SOURCES.filter((source) => formValues(ctx, 'sources').includes(source)) : [];
  const known = new Set((await deps.clients.list(ctx.state.tenant.id)).map((client) => client.client_id));
  const clientIds = formValue(ctx, 'apps') === 'some' ? formValues(ctx, 'clientIds').filter((id) => known.has(id)) : [];
  const policy: GuestMfaPolicy = {
    state,
    methods: methods as SecondFactorKind[],
    appliesTo: {
      ...(sources.length > 0 ? { sources: sources as SignInSource[] } : {}),
      ...(clientIds.length > 0 ? { clientIds } : {}),
    },
  };
  if (methods.length === 0) return guestMfaPolicyPage(deps, ctx, { policy, problem: 'noMethod' });
  await deps.tenants.update(ctx.state.tenant.id, { guestMfaPolicy: policy });
  seeOther(ctx, consoleUrl(ctx, '/policies/mfa?done=saved'));
}
