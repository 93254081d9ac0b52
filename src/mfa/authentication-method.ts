/**
 * A guest's enrolled second factor, as stored (store/authentication-method-repository.ts) and as
 * the admin API lists it (Graph's authenticationMethod names: id, createdDateTime, displayName).
 * Each method kind keeps its own fields in `data`, opaque to everything but that method's code;
 * anything secret in it is sealed (SecretBox) or hashed by the method before it is stored.
 */

/** Second factors a guest signs in with; the tenant's guestMfa policy names which are allowed. */
export const SECOND_FACTOR_KINDS = ['totp', 'passkey'] as const;
export type SecondFactorKind = (typeof SECOND_FACTOR_KINDS)[number];

/** What the admin API lists: the second factors, and the recovery codes that stand in for them. */
export type AuthenticationMethodType = SecondFactorKind | 'recoveryCodes';

export interface AuthenticationMethod {
  /** Random, unique within the user; the `{methodId}` of the admin API. */
  id: string;
  type: AuthenticationMethodType;
  createdDateTime: string;
  /** A name the guest or the authenticator gave it (a passkey's "iPhone"), when known. */
  displayName?: string;
  lastUsedDateTime?: string;
  /** Grows with every change; changes are compare-and-set on it (store/record-version.ts). */
  version?: number;
  /** The method's own fields (a sealed TOTP secret, a passkey's public key and counter, code hashes). */
  data: Record<string, unknown>;
}

/** The admin API's view of one method (no `data`); `remaining` for recovery codes. */
export interface AuthenticationMethodView {
  id: string;
  type: AuthenticationMethodType;
  createdDateTime: string;
  displayName?: string;
  lastUsedDateTime?: string;
  remaining?: number;
}
