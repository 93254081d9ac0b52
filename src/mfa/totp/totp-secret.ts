import type { AuthenticationMethod } from '../authentication-method.ts';
import type { MfaServices } from '../mfa-services.ts';

/** A TOTP secret at rest: sealed (SecretBox), bound to its tenant, user and method, so a copied record opens nowhere else. */
export function sealTotpSecret(mfa: MfaServices, tenantId: string, userId: string, methodId: string, secret: string): string {
  return mfa.secrets.seal(secret, boundTo(tenantId, userId, methodId));
}

export function openTotpSecret(mfa: MfaServices, tenantId: string, userId: string, method: AuthenticationMethod): string {
  return mfa.secrets.open(String(method.data.secret), boundTo(tenantId, userId, method.id));
}

function boundTo(tenantId: string, userId: string, methodId: string): string {
  return `totp:${tenantId}:${userId}:${methodId}`;
}
