import type Router from '@koa/router';

import type { MessageKey } from '../i18n/translate.ts';
import type { SignInContext, SignInDeps } from '../interaction/sign-in-context.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import type { SecondFactorKind } from './authentication-method.ts';

/** A step handler of the interaction (the same shape as src/interaction/steps/*). */
export type SecondFactorStep = (deps: SignInDeps, ctx: SignInContext) => Promise<void>;

/**
 * One kind of second factor (TOTP, passkey): what the "choose a method" page says of it, and its
 * pages. Listed in second-factor-methods.ts; mfa-routes.ts mounts each method's routes under
 * `/{tenant}/v2.0/interaction/{uid}/mfa/{kind}`. Every method has at least
 *   GET `/mfa/{kind}/enrol`  the guest sets it up (the sign-in goes here when the guest has no second factor), and
 *   GET `/mfa/{kind}/verify` the guest uses it (when they have one of this kind),
 * and ends a successful enrolment or use with `secondFactorPassed` (second-factor-result.ts), a
 * failed try with `recordSecondFactorFailure`.
 */
export interface SecondFactorMethod {
  kind: SecondFactorKind;
  /** Its name and one line about it on the choose page (catalogue keys). */
  nameKey: MessageKey;
  descriptionKey: MessageKey;
  /** Adds the method's routes; paths are relative to `/mfa/{kind}` (so `/enrol`, `/verify`, ...). */
  mount(router: Router<TenantState>, step: (handler: SecondFactorStep) => (ctx: SignInContext) => Promise<void>): void;
}
