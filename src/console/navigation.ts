import { isAccountEnabled, type MemberRole, type User } from '../guests/user.ts';
import type { MessageKey } from '../i18n/translate.ts';

/** One entry of the console's navigation: its path under the console, label, and who may open it. */
export interface NavigationEntry {
  /** The heading it is listed under (`console.nav.group.<group>`). */
  group: 'guests' | 'settings';
  section: string;
  path: string;
  label: MessageKey;
  roles: readonly MemberRole[];
}

const EVERY_CONSOLE_ROLE: readonly MemberRole[] = ['admin', 'guestInviter'];
const ADMIN: readonly MemberRole[] = ['admin'];

export const CONSOLE_NAVIGATION: readonly NavigationEntry[] = [
  { group: 'guests', section: 'guests', path: '/guests', label: 'console.nav.guests', roles: EVERY_CONSOLE_ROLE },
  { group: 'guests', section: 'invite', path: '/invite', label: 'console.nav.invite', roles: EVERY_CONSOLE_ROLE },
  { group: 'settings', section: 'emailOtp', path: '/policies/email-otp', label: 'console.nav.emailOtp', roles: ADMIN },
  { group: 'settings', section: 'guestMfa', path: '/policies/mfa', label: 'console.nav.guestMfa', roles: ADMIN },
  { group: 'settings', section: 'redemption', path: '/policies/redemption', label: 'console.nav.redemption', roles: ADMIN },
  { group: 'settings', section: 'identityProviders', path: '/identity-providers', label: 'console.nav.identityProviders', roles: ADMIN },
  { group: 'settings', section: 'branding', path: '/branding', label: 'console.nav.branding', roles: ADMIN },
  { group: 'settings', section: 'signingKeys', path: '/signing-keys', label: 'console.nav.signingKeys', roles: ADMIN },
  { group: 'settings', section: 'members', path: '/members', label: 'console.nav.members', roles: ADMIN },
  { group: 'settings', section: 'signIns', path: '/sign-ins', label: 'console.nav.signIns', roles: ADMIN },
  { group: 'settings', section: 'audit', path: '/audit-logs', label: 'console.nav.audit', roles: ADMIN },
];

/** The console roles a user holds: a member's, unless blocked; guests hold none. */
export function consoleRolesOf(user: User): MemberRole[] {
  if (user.userType !== 'Member' || !isAccountEnabled(user)) return [];
  return user.roles ?? [];
}

export function mayOpen(user: User, roles: readonly MemberRole[]): boolean {
  return consoleRolesOf(user).some((role) => roles.includes(role));
}

/** The entries this user sees, under their headings. */
export function consoleNavigation(user: User): Array<{ group: NavigationEntry['group']; entries: NavigationEntry[] }> {
  const shown = CONSOLE_NAVIGATION.filter((entry) => mayOpen(user, entry.roles));
  return (['guests', 'settings'] as const)
    .map((group) => ({ group, entries: shown.filter((entry) => entry.group === group) }))
    .filter(({ entries }) => entries.length > 0);
}
