import { createHash } from 'node:crypto';

import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

import { TOTP_DIGITS, TOTP_PERIOD_SECONDS, TOTP_SECRET_BYTES, TOTP_WINDOW_STEPS } from '../../limits.ts';
import type { MfaServices } from '../mfa-services.ts';

/**
 * Authenticator-app codes (TOTP, RFC 6238) with the parameters every app understands: SHA-1,
 * TOTP_DIGITS digits, TOTP_PERIOD_SECONDS steps. A code is accepted TOTP_WINDOW_STEPS steps
 * either side of now (clock drift), and only once: the step it was made for is remembered.
 */

export function newTotpSecret(): string {
  return new Secret({ size: TOTP_SECRET_BYTES }).base32;
}

function totpOf(secretBase32: string, issuer = '', label = ''): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// URI the QR code carries: the app shows the tenant's name and the guest's address. */
export function totpUri(secretBase32: string, issuer: string, label: string): string {
  return totpOf(secretBase32, issuer, label).toString();
}

/** The QR code as SVG markup, put into the page as it is (no script, no data: URI, no other server). */
export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The secret as a guest types it into an app: groups of four. */
export function groupedSecret(secretBase32: string): string {
  return secretBase32.replace(/(.{4})(?=.)/g, '$1 ');
}

export function isWellFormedTotpCode(code: string): boolean {
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code);
}

/** The time step a right code was made for; undefined for a wrong one. */
export function totpStepOf(secretBase32: string, code: string, now = Date.now()): number | undefined {
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: now, window: TOTP_WINDOW_STEPS });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

/**
 * Marks a step's code of one secret as used by the user: false when it already was (a replay).
 * The mark lives as long as the code could still be accepted. It names the secret by a digest, so
 * an app set up again (a new secret) is not refused a code of the same 30 seconds.
 */
export function claimTotpStep(mfa: MfaServices, tenantId: string, userId: string, secretBase32: string, step: number): Promise<boolean> {
  const secretId = createHash('sha256').update(secretBase32).digest('base64url').slice(0, 16);
  const key = mfa.keys.usedTotpCode(tenantId, userId, secretId, step);
  return mfa.store.write([{ type: 'set', key, value: '1', ttlSeconds: TOTP_PERIOD_SECONDS * (2 * TOTP_WINDOW_STEPS + 2) }], { absent: [key] });
}
