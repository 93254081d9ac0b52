import type { SecondFactorKind } from './authentication-method.ts';
import type { SecondFactorMethod } from './second-factor-method.ts';
import { passkeyMethod } from './passkey/passkey-method.ts';
import { totpMethod } from './totp/totp-method.ts';

/** Every second factor the deployment has, in the order the choose page lists them. */
export const SECOND_FACTOR_METHODS: readonly SecondFactorMethod[] = [totpMethod, passkeyMethod];

export function secondFactorMethod(kind: SecondFactorKind): SecondFactorMethod | undefined {
  return SECOND_FACTOR_METHODS.find((method) => method.kind === kind);
}
