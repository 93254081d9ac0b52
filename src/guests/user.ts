/**
 * A user of a tenant, in Microsoft Graph's words: guests (invited from elsewhere) and members
 * (the tenant's own people, who sign in at their home tenant).
 */
export type UserType = 'Guest' | 'Member';
export type ExternalUserState = 'PendingAcceptance' | 'Accepted';
/** How the user proved who they are at redemption; the portal's "Source" column. */
export type SignInSource = 'EmailOTP' | 'Google' | 'HomeTenant' | 'ConsumerAccount' | 'DirectFederation';

export interface User {
  /** Stable per tenant; the `sub` of its tokens. */
  id: string;
  /** Lower-case email address. */
  mail: string;
  displayName: string | null;
  userType: UserType;
  /** Guests only: whether the invitation has been redeemed. */
  externalUserState: ExternalUserState | null;
  externalUserStateChangeDateTime: string | null;
  /** The sign-in method recorded at redemption; sticky until an administrator resets redemption. */
  source: SignInSource | null;
  createdDateTime: string;
  lastSignInDateTime: string | null;
}

/** What `source` a method records, and the `idp` claim value of email OTP (Entra's "mail"). */
export const EMAIL_OTP_IDP = 'mail';

export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}
