import type Router from '@koa/router';
import { z } from 'zod';

import { type DeploymentEmailOtpDefault, EMAIL_OTP_POLICY_STATES, isEmailOtpEnabled } from '../guests/email-otp-policy.ts';
import {
  DEFAULT_REDEMPTION_CONFIGURATION, FALLBACK_IDENTITY_PROVIDERS, PRIMARY_IDENTITY_PROVIDERS,
} from '../guests/redemption-configuration.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminState } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';
import type { EmailOtpPolicyView } from './views.ts';

export const emailOtpPolicyBody = z.strictObject({ state: z.enum(EMAIL_OTP_POLICY_STATES) });

/** The primary order must name each of the three primary providers once; the fallback is one of three. */
export const invitationRedemptionBody = z.strictObject({
  primaryIdentityProviderPrecedenceOrder: z.array(z.enum(PRIMARY_IDENTITY_PROVIDERS))
    .refine((order) => order.length === PRIMARY_IDENTITY_PROVIDERS.length && new Set(order).size === order.length, {
      message: `must list ${PRIMARY_IDENTITY_PROVIDERS.join(', ')}, each once, in the order wanted`,
    })
    .optional(),
  fallbackIdentityProvider: z.enum(FALLBACK_IDENTITY_PROVIDERS).optional(),
}).refine((body) => Object.keys(body).length > 0, { message: 'give primaryIdentityProviderPrecedenceOrder, fallbackIdentityProvider or both' });

/**
 * `/admin/tenants/{t}/policies/emailOtp`: whether guests may sign in with emailed codes.
 * `/admin/tenants/{t}/policies/invitationRedemption`: the order of home-realm discovery (Graph's
 * invitationRedemptionIdentityProviderConfiguration).
 */
export function mountPoliciesApi(router: Router<AdminState>, tenants: TenantService, deploymentDefault: DeploymentEmailOtpDefault): void {
  const view = (tenant: Tenant): EmailOtpPolicyView => {
    const state = tenant.emailOtpPolicy ?? 'default';
    // `effectiveState` says what `default` currently means, so nobody has to know the deployment's settings.
    return { state, effectiveState: isEmailOtpEnabled(state, deploymentDefault) ? 'enabled' : 'disabled' };
  };

  router.get('/tenants/:tenantId/policies/emailOtp', async (ctx) => {
    ctx.body = view(await tenants.get(ctx.params.tenantId as string));
  });

  router.patch('/tenants/:tenantId/policies/emailOtp', async (ctx) => {
    const { state } = parseBody(ctx, emailOtpPolicyBody);
    ctx.body = view(await tenants.update(ctx.params.tenantId as string, { emailOtpPolicy: state }));
  });

  router.get('/tenants/:tenantId/policies/invitationRedemption', async (ctx) => {
    ctx.body = (await tenants.get(ctx.params.tenantId as string)).invitationRedemption ?? DEFAULT_REDEMPTION_CONFIGURATION;
  });

  router.patch('/tenants/:tenantId/policies/invitationRedemption', async (ctx) => {
    const changes = parseBody(ctx, invitationRedemptionBody);
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const current = tenant.invitationRedemption ?? DEFAULT_REDEMPTION_CONFIGURATION;
    const next = {
      primaryIdentityProviderPrecedenceOrder: changes.primaryIdentityProviderPrecedenceOrder ?? current.primaryIdentityProviderPrecedenceOrder,
      fallbackIdentityProvider: changes.fallbackIdentityProvider ?? current.fallbackIdentityProvider,
    };
    ctx.body = (await tenants.update(tenant.id, { invitationRedemption: next })).invitationRedemption;
  });
}
