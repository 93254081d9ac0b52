import type { MessageKey } from '../i18n/translate.ts';
import type { SignInContext, SignInDeps } from '../interaction/sign-in-context.ts';
import type { SecondFactorKind } from './authentication-method.ts';

/** A step handler of the interaction (the same shape as src/interaction/steps/*). */
export type SecondFactorStep = (deps: SignInDeps, ctx: SignInContext) => Promise<void>;

/**
 * One kind of second factor (TOTP, passkey): what the "choose a method" page says of it, and its
 * four steps. Listed in second-factor-methods.ts; mfa-routes.ts mounts them under
 * `/{tenant}/v2.0/interaction/{uid}/mfa/{kind}`:
 *   GET and POST `/enrol`  the guest sets it up (the sign-in goes here when the guest has no second factor),
 *   GET and POST `/verify` the guest uses it (when they have one of this kind).
 * A method ends a successful enrolment or use with `secondFactorPassed` (second-factor-result.ts),
 * a failed try with `recordSecondFactorFailure`.
 */
export interface SecondFactorMethod {
  kind: SecondFactorKind;
  /** Its name and one line about it on the choose page (catalogue keys). */
  nameKey: MessageKey;
  descriptionKey: MessageKey;
  showEnrolment: SecondFactorStep;
  enrol: SecondFactorStep;
  showVerification: SecondFactorStep;
  verify: SecondFactorStep;
}
