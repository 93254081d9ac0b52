import { SECRET_KEY_MIN_DISTINCT_CHARACTERS, SECRET_KEY_MIN_LENGTH } from './limits.ts';

/**
 * Whether a production secret (a cookie key, the key encryption key) looks like key material: long
 * enough, and not a short text typed over and over. A secret that passes can still be weak; one
 * that fails certainly is (`COOKIE_KEYS=a` signs cookies anyone can forge).
 */

/** How an operator makes a good one, for the error message. */
export const GENERATE_SECRET_HINT = 'generate one with `openssl rand -base64 32` or `node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64\'))"`';

/** Why `secret` is not key material, or undefined when it will do. */
export function secretKeyProblem(secret: string): string | undefined {
  if (secret.length < SECRET_KEY_MIN_LENGTH) return `is too short (${secret.length} characters, at least ${SECRET_KEY_MIN_LENGTH} needed)`;
  if (new Set(secret).size < SECRET_KEY_MIN_DISTINCT_CHARACTERS || /^(.{1,16}?)\1+$/s.test(secret)) {
    return 'is a short text repeated, not random key material';
  }
  return undefined;
}
