import type Router from '@koa/router';
import { z } from 'zod';

import { type DeploymentEmailOtpDefault, EMAIL_OTP_POLICY_STATES, isEmailOtpEnabled } from '../guests/email-otp-policy.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminState } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';

const emailOtpPolicyBody = z.strictObject({ state: z.enum(EMAIL_OTP_POLICY_STATES) });

/** `/admin/tenants/{t}/policies/emailOtp`: whether guests may sign in with emailed codes. */
export function mountPoliciesApi(router: Router<AdminState>, tenants: TenantService, deploymentDefault: DeploymentEmailOtpDefault): void {
  const view = (tenant: Tenant) => {
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
}
