import { createHash, randomInt, randomUUID } from 'node:crypto';

import { CONCURRENT_WRITE_ATTEMPTS, RECOVERY_CODE_COUNT, RECOVERY_CODE_LENGTH } from '../limits.ts';
import type { AuthenticationMethod } from './authentication-method.ts';
import type { MfaServices } from './mfa-services.ts';

/**
 * Recovery codes: RECOVERY_CODE_COUNT single-use codes issued with a guest's first second factor,
 * shown once, kept only as SHA-256 hashes (each code has 50 random bits, so a plain hash is
 * enough: nobody can search that space against the limit). One stands in for the second factor
 * when the guest's authenticator is lost; each works once.
 */

/** Crockford's base32: no I, L, O or U, so a code read aloud or off paper is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function generateCode(): string {
  let code = '';
  for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** As the guest reads it: two groups of five. */
export function groupedCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** What the guest typed, as generated: upper case, without spaces or dashes; the letters Crockford reads as digits read so. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}

function recoveryCodesOf(methods: AuthenticationMethod[]): AuthenticationMethod | undefined {
  return methods.find((method) => method.type === 'recoveryCodes');
}

export function remainingCodes(method: AuthenticationMethod): number {
  const hashes = method.data.hashes;
  return Array.isArray(hashes) ? hashes.length : 0;
}

export async function hasRecoveryCodes(mfa: MfaServices, tenantId: string, userId: string): Promise<boolean> {
  const method = recoveryCodesOf(await mfa.methods.list(tenantId, userId));
  return method !== undefined && remainingCodes(method) > 0;
}

/**
 * New codes, sealed for the sign-in `uid`: kept in the sign-in's state while the guest reads them
 * (openRecoveryCodes), and the user's only once they say they saved them (saveRecoveryCodes), so a
 * guest who leaves before that gets new ones next time instead of codes they never saw.
 */
export function issueRecoveryCodes(mfa: MfaServices, tenantId: string, uid: string): string {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateCode);
  return mfa.secrets.seal(JSON.stringify(codes), sealedFor(tenantId, uid));
}

/** Makes the codes the user's (their hashes), replacing any earlier set. */
export async function saveRecoveryCodes(mfa: MfaServices, tenantId: string, userId: string, codes: string[]): Promise<void> {
  const earlier = (await mfa.methods.list(tenantId, userId)).filter((method) => method.type === 'recoveryCodes');
  await mfa.methods.save(tenantId, userId, {
    id: randomUUID(),
    type: 'recoveryCodes',
    createdDateTime: new Date().toISOString(),
    displayName: 'Recovery codes',
    data: { hashes: codes.map(hashCode) },
  }, earlier);
}

export function openRecoveryCodes(mfa: MfaServices, tenantId: string, uid: string, sealed: string): string[] {
  return JSON.parse(mfa.secrets.open(sealed, sealedFor(tenantId, uid))) as string[];
}

function sealedFor(tenantId: string, uid: string): string {
  return `recovery-codes:${tenantId}:${uid}`;
}

export type RecoveryCodeOutcome = { kind: 'used'; remaining: number } | { kind: 'wrong' };

/** Uses a code up, if it is one of the user's unused ones: compare-and-set, so a code sent twice at once counts once. */
export async function useRecoveryCode(mfa: MfaServices, tenantId: string, userId: string, typed: string): Promise<RecoveryCodeOutcome> {
  const hash = hashCode(normalizeRecoveryCode(typed));
  for (let attempt = 0; attempt < CONCURRENT_WRITE_ATTEMPTS; attempt++) {
    const method = recoveryCodesOf(await mfa.methods.list(tenantId, userId));
    const hashes = method && Array.isArray(method.data.hashes) ? (method.data.hashes as string[]) : [];
    if (!method || !hashes.includes(hash)) return { kind: 'wrong' };
    const left = hashes.filter((stored) => stored !== hash);
    const next = { ...method, lastUsedDateTime: new Date().toISOString(), data: { ...method.data, hashes: left } };
    if (await mfa.methods.replace(tenantId, userId, method, next)) return { kind: 'used', remaining: left.length };
  }
  return { kind: 'wrong' };
}
