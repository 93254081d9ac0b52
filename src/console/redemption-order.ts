import {
  DEFAULT_REDEMPTION_CONFIGURATION, FALLBACK_IDENTITY_PROVIDERS, type FallbackIdentityProvider,
  PRIMARY_IDENTITY_PROVIDERS, type PrimaryIdentityProvider,
} from '../guests/redemption-configuration.ts';
import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { consoleUrl, type ConsoleDeps, formValue, queryValue, seeOther, type SignedInContext } from './console-context.ts';

/**
 * GET `/policies/redemption`: the tenant's redemption order (Graph's
 * invitationRedemptionIdentityProviderConfiguration): the primary providers in order, and the fallback.
 */
export async function redemptionOrderPage(deps: ConsoleDeps, ctx: SignedInContext, refused?: { problem: string; order: string[]; fallback: string }): Promise<void> {
  const stored = ctx.state.tenant.invitationRedemption ?? DEFAULT_REDEMPTION_CONFIGURATION;
  // A refused form shows what was sent, to correct; otherwise the tenant's configuration.
  const configuration = refused
    ? { primaryIdentityProviderPrecedenceOrder: refused.order, fallbackIdentityProvider: refused.fallback }
    : stored;
  const problem = refused?.problem;
  deps.pages.send(ctx, 'redemption', {
    title: t(guestLocale(ctx), 'console.redemption.title'),
    section: 'redemption',
    order: configuration.primaryIdentityProviderPrecedenceOrder,
    fallback: configuration.fallbackIdentityProvider,
    primaries: PRIMARY_IDENTITY_PROVIDERS,
    fallbacks: FALLBACK_IDENTITY_PROVIDERS,
    done: queryValue(ctx, 'done'),
    problem,
  }, problem ? 400 : 200);
}

/** POST `/policies/redemption`: each primary provider once, in the chosen order; one fallback. */
export async function setRedemptionOrder(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const order = [1, 2, 3].map((position) => formValue(ctx, `position${position}`));
  const fallback = formValue(ctx, 'fallback');
  const valid = order.every((name) => (PRIMARY_IDENTITY_PROVIDERS as readonly string[]).includes(name))
    && new Set(order).size === PRIMARY_IDENTITY_PROVIDERS.length
    && (FALLBACK_IDENTITY_PROVIDERS as readonly string[]).includes(fallback);
  if (!valid) return redemptionOrderPage(deps, ctx, { problem: t(guestLocale(ctx), 'console.redemption.eachOnce'), order, fallback });
  await deps.tenants.update(ctx.state.tenant.id, {
    invitationRedemption: {
      primaryIdentityProviderPrecedenceOrder: order as PrimaryIdentityProvider[],
      fallbackIdentityProvider: fallback as FallbackIdentityProvider,
    },
  });
  seeOther(ctx, consoleUrl(ctx, '/policies/redemption?done=saved'));
}
