import type { SecondFactorMethod } from '../second-factor-method.ts';
import { enrolPasskey, showPasskeyEnrolment } from './enrol-passkey.ts';
import { showPasskeyVerification, verifyPasskey } from './verify-passkey.ts';

/** A passkey (WebAuthn): `/mfa/passkey/enrol` and `/mfa/passkey/verify`. */
export const passkeyMethod: SecondFactorMethod = {
  kind: 'passkey',
  nameKey: 'passkey.name',
  descriptionKey: 'passkey.description',
  showEnrolment: showPasskeyEnrolment,
  enrol: enrolPasskey,
  showVerification: showPasskeyVerification,
  verify: verifyPasskey,
};
