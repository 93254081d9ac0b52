import type { MemberRole, User } from '../guests/user.ts';
import type { MessageKey } from '../i18n/translate.ts';

/** One entry of the console's navigation: its path under the console, label, and who may open it. */
export interface NavigationEntry {
  section: string;
  path: string;
  label: MessageKey;
  roles: readonly MemberRole[];
  /**
   * False: the page is not built yet; the entry is not shown and its route answers 404
   * (log-pages.ts). The sign-in and audit logs are built on another branch (issue 12): the lead
   * turns these on and wires the pages after merging it.
   */
  available: boolean;
}

const EVERY_CONSOLE_ROLE: readonly MemberRole[] = ['admin', 'guestInviter'];
const ADMIN: readonly MemberRole[] = ['admin'];

export const CONSOLE_NAVIGATION: readonly NavigationEntry[] = [
  { section: 'guests', path: '/guests', label: 'console.nav.guests', roles: EVERY_CONSOLE_ROLE, available: true },
  { section: 'invite', path: '/invite', label: 'console.nav.invite', roles: EVERY_CONSOLE_ROLE, available: true },
  { section: 'emailOtp', path: '/policies/email-otp', label: 'console.nav.emailOtp', roles: ADMIN, available: true },
  { section: 'redemption', path: '/policies/redemption', label: 'console.nav.redemption', roles: ADMIN, available: true },
  { section: 'identityProviders', path: '/identity-providers', label: 'console.nav.identityProviders', roles: ADMIN, available: true },
  { section: 'signingKeys', path: '/signing-keys', label: 'console.nav.signingKeys', roles: ADMIN, available: true },
  { section: 'members', path: '/members', label: 'console.nav.members', roles: ADMIN, available: true },
  // LOGS: the sign-in log and audit log pages (another branch of issue 12 builds the logs).
  { section: 'signIns', path: '/sign-ins', label: 'console.nav.signIns', roles: ADMIN, available: false },
  { section: 'audit', path: '/audit-logs', label: 'console.nav.audit', roles: ADMIN, available: false },
];

/** The console roles a user holds: a member's, unless blocked; guests hold none. */
export function consoleRolesOf(user: User): MemberRole[] {
  if (user.userType !== 'Member' || user.accountEnabled === false) return [];
  return user.roles ?? [];
}

export function mayOpen(user: User, roles: readonly MemberRole[]): boolean {
  return consoleRolesOf(user).some((role) => roles.includes(role));
}

/** The entries this user sees. */
export function consoleNavigation(user: User): NavigationEntry[] {
  return CONSOLE_NAVIGATION.filter((entry) => entry.available && mayOpen(user, entry.roles));
}
