import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

import { PASSCODE_DIGITS } from '../limits.ts';

/** A fresh code: PASSCODE_DIGITS decimal digits from the CSPRNG, leading zeros kept. */
export function generatePasscode(): string {
  return String(randomInt(0, 10 ** PASSCODE_DIGITS)).padStart(PASSCODE_DIGITS, '0');
}

export function isWellFormedPasscode(code: string): boolean {
  return new RegExp(`^\\d{${PASSCODE_DIGITS}}$`).test(code);
}

/**
 * Codes are stored only as HMAC-SHA256 under a key derived from KEY_ENCRYPTION_KEY. The MAC covers
 * tenant, sign-in attempt and address with the code, so a code is worth nothing anywhere else.
 */
export class PasscodeMac {
  readonly #key: Buffer;

  constructor(keyEncryptionKey: string) {
    this.#key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, 'guest-idp', 'email one-time passcodes', 32));
  }

  mac(binding: { tenantId: string; uid: string; email: string }, code: string): string {
    return createHmac('sha256', this.#key)
      .update(`${binding.tenantId}\n${binding.uid}\n${binding.email}\n${code}`)
      .digest('base64url');
  }

  /** Constant-time comparison of a submitted code against a stored MAC. */
  matches(binding: { tenantId: string; uid: string; email: string }, code: string, storedMac: string): boolean {
    const expected = Buffer.from(storedMac, 'base64url');
    const actual = Buffer.from(this.mac(binding, code), 'base64url');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
