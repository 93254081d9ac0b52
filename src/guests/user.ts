import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { MAX_EMAIL_ADDRESS_LENGTH } from '../limits.ts';
import { isValidDomain } from '../tenants/tenant.ts';

/**
 * A user of a tenant, in Microsoft Graph's words: guests (invited from elsewhere) and members
 * (the tenant's own people, who sign in at their home tenant).
 */
export type UserType = 'Guest' | 'Member';
export type ExternalUserState = 'PendingAcceptance' | 'Accepted';
/** How the user proved who they are at redemption; the portal's "Source" column. */
export const SIGN_IN_SOURCES = ['EmailOTP', 'Google', 'HomeTenant', 'ConsumerAccount', 'DirectFederation'] as const;
export type SignInSource = (typeof SIGN_IN_SOURCES)[number];
/**
 * Directory roles a member can hold (Entra's): `admin` runs the tenant; `guestInviter` may invite
 * and list guests, nothing else. Guests hold none.
 */
export const MEMBER_ROLES = ['admin', 'guestInviter'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

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
  /**
   * For a guest who redeemed at an upstream identity provider: who they are there. Later sign-ins
   * must present the same (issuer, subject); an upstream email claim alone never links to a user.
   */
  upstreamIdentity?: UpstreamIdentity | null;
  /** Members only; missing means none. */
  roles?: MemberRole[];
  /** Entra's "Block sign-in": false refuses every sign-in and ends the user's sessions. Missing means true. */
  accountEnabled?: boolean;
  /** Grows with every write; writes are compare-and-set on it (store/record-version.ts). Missing on old records. */
  version?: number;
}

export interface UpstreamIdentity {
  issuer: string;
  subject: string;
  /** The tenant's identity provider it came through (direct federation, Google), if any. */
  identityProviderId?: string;
}

/** Whether the user may sign in: only an explicit `accountEnabled: false` blocks (older records have no field). */
export function isAccountEnabled(user: User): boolean {
  return user.accountEnabled !== false;
}

/** A new member of the tenant (its own people), before it is stored. */
export function newMember(mail: string, displayName: string | null, roles?: MemberRole[]): User {
  return {
    id: randomUUID(),
    mail,
    displayName,
    userType: 'Member',
    externalUserState: null,
    externalUserStateChangeDateTime: null,
    source: null,
    createdDateTime: new Date().toISOString(),
    lastSignInDateTime: null,
    ...(roles ? { roles } : {}),
  };
}

/** What `source` a method records, and the `idp` claim value of email OTP (Entra's "mail"). */
export const EMAIL_OTP_IDP = 'mail';

export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** An address mail can go to: zod's email syntax, a DNS domain name, and at most 254 characters. */
export function isEmailAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return at > 0
    && address.length <= MAX_EMAIL_ADDRESS_LENGTH
    && z.email().safeParse(address).success
    && isValidDomain(address.slice(at + 1));
}
