import type { SecondFactorMethod } from '../second-factor-method.ts';
import { enrolTotp, showTotpEnrolment } from './enrol-totp.ts';
import { showTotpVerification, verifyTotp } from './verify-totp.ts';

/** An authenticator app (TOTP, RFC 6238): `/mfa/totp/enrol` and `/mfa/totp/verify`. */
export const totpMethod: SecondFactorMethod = {
  kind: 'totp',
  nameKey: 'totp.name',
  descriptionKey: 'totp.description',
  showEnrolment: showTotpEnrolment,
  enrol: enrolTotp,
  showVerification: showTotpVerification,
  verify: verifyTotp,
};
