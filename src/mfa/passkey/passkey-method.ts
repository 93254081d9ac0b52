import type { SecondFactorMethod } from '../second-factor-method.ts';
import { enrolPasskey, showPasskeyEnrolment } from './enrol-passkey.ts';
import { showPasskeyVerification, verifyPasskey } from './verify-passkey.ts';

/** A passkey (WebAuthn): `/mfa/passkey/enrol` and `/mfa/passkey/verify`. */
export const passkeyMethod: SecondFactorMethod = {
  kind: 'passkey',
  nameKey: 'passkey.name',
  descriptionKey: 'passkey.description',
  mount(router, step) {
    router.get('/enrol', step(showPasskeyEnrolment));
    router.post('/enrol', step(enrolPasskey));
    router.get('/verify', step(showPasskeyVerification));
    router.post('/verify', step(verifyPasskey));
  },
};
