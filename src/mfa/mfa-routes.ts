import type Router from '@koa/router';

import { type SignInContext, type SignInDeps } from '../interaction/sign-in-context.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import { chooseMethod, secondFactorGate } from './steps/choose-method.ts';
import { confirmRecoveryCodes, showRecoveryCodes } from './steps/new-recovery-codes.ts';
import { showRecoveryCodeForm, useRecoveryCodeStep } from './steps/use-recovery-code.ts';
import { SECOND_FACTOR_METHODS } from './second-factor-methods.ts';
import type { SecondFactorStep } from './second-factor-method.ts';

/**
 * The second factor's pages, under `/{tenant}/v2.0/interaction/{uid}/mfa` (added to the
 * interaction's router, behind its problem pages and form parser): the gate that sends the guest
 * to enrol or verify, the choice of method, recovery codes, and each method's own routes under
 * `/mfa/{kind}` (second-factor-methods.ts).
 */
export function mountSecondFactorRoutes(router: Router<TenantState>, deps: SignInDeps): void {
  const step = (handler: SecondFactorStep) => (ctx: SignInContext) => handler(deps, ctx);
  router.get('/mfa', step(secondFactorGate));
  router.get('/mfa/choose', step(chooseMethod));
  router.get('/mfa/recovery', step(showRecoveryCodeForm));
  router.post('/mfa/recovery', step(useRecoveryCodeStep));
  router.get('/mfa/recovery-codes', step(showRecoveryCodes));
  router.post('/mfa/recovery-codes', step(confirmRecoveryCodes));
  for (const method of SECOND_FACTOR_METHODS) {
    router.get(`/mfa/${method.kind}/enrol`, step(method.showEnrolment));
    router.post(`/mfa/${method.kind}/enrol`, step(method.enrol));
    router.get(`/mfa/${method.kind}/verify`, step(method.showVerification));
    router.post(`/mfa/${method.kind}/verify`, step(method.verify));
  }
}
